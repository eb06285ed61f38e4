package dev.lethe.retention;

import java.util.List;

/** The retention policy is not valid; {@link #problems()} says each why, naming rule and column. */
public final class RetentionPolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    RetentionPolicyException(String source, List<String> problems, Throwable cause) {
        super(message(source, problems), cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String message(String source, List<String> problems) {
        StringBuilder m =
                new StringBuilder("invalid retention policy ")
                        .append(source)
                        .append(" (")
                        .append(problems.size())
                        .append(problems.size() == 1 ? " problem)" : " problems)");
        problems.forEach(p -> m.append("\n  - ").append(p));
        return m.toString();
    }
}
