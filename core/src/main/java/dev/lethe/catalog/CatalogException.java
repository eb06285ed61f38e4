package dev.lethe.catalog;

import java.util.List;

/** The catalog file cannot be read or is not a valid catalog; {@link #problems()} says each why. */
public final class CatalogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    CatalogException(String source, List<String> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    CatalogException(String source, String problem, Throwable cause) {
        super(message(source, List.of(problem)), cause);
        this.problems = List.of(problem);
    }

    /** Each problem found, one sentence each, naming the table and column concerned. */
    public List<String> problems() {
        return problems;
    }

    private static String message(String source, List<String> problems) {
        StringBuilder message =
                new StringBuilder("invalid personal-data catalog ")
                        .append(source)
                        .append(" (")
                        .append(problems.size())
                        .append(problems.size() == 1 ? " problem)" : " problems)");
        for (String problem : problems) {
            message.append("\n  - ").append(problem);
        }
        return message.toString();
    }
}
