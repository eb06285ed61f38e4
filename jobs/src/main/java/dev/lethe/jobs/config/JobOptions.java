package dev.lethe.jobs.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code --name value} options a job's {@code main} takes: each a name, a default (or none:
 * required), a description and a parser that validates the value. {@link #parse} reads them all and
 * reports every problem at once (unknown or repeated options, missing values, required options not
 * given, values that do not parse), each with what to fix, followed by the {@link #usage}.
 */
public final class JobOptions {

    /** Turns an option's text into its value; throws with what a valid value looks like. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    /**
     * One option.
     *
     * @param name without the leading {@code --}
     * @param defaultValue the text used when the option is not given; null: required
     * @param description one line for the usage
     * @param parser validates and converts the text
     */
    public record Option<T>(
            String name, String defaultValue, String description, Parser<T> parser) {

        public Option {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(parser, "parser");
        }

        /** The same option with another default. */
        public Option<T> withDefault(String value) {
            return new Option<>(name, value, description, parser);
        }

        /** The default's value (the option not given). */
        public T defaultParsed() {
            if (defaultValue == null) {
                throw new IllegalStateException("--" + name + " has no default");
            }
            return parser.parse(defaultValue);
        }
    }

    /** Free text; empty only if the default is empty (an optional file, say). */
    public static Option<String> text(String name, String defaultValue, String description) {
        boolean mayBeEmpty = defaultValue != null && defaultValue.isEmpty();
        return new Option<>(
                name,
                defaultValue,
                description,
                text -> {
                    String t = text.trim();
                    if (t.isEmpty() && !mayBeEmpty) {
                        throw new IllegalArgumentException("must not be empty");
                    }
                    return t;
                });
    }

    /** A duration like {@code 10s}, {@code 2m}, {@code 1h} or {@code PT10S}; positive. */
    public static Option<Duration> duration(String name, String defaultValue, String description) {
        return new Option<>(name, defaultValue, description, JobOptions::positiveDuration);
    }

    /** A whole number of at least 1. */
    public static Option<Integer> positive(String name, String defaultValue, String description) {
        return new Option<>(
                name,
                defaultValue,
                description,
                text -> {
                    int n;
                    try {
                        n = Integer.parseInt(text.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("must be a whole number, like 1000");
                    }
                    if (n <= 0) {
                        throw new IllegalArgumentException("must be positive");
                    }
                    return n;
                });
    }

    /** An absolute {@code http} or {@code https} URL. */
    public static Option<URI> httpUrl(String name, String defaultValue, String description) {
        return new Option<>(
                name,
                defaultValue,
                description,
                text -> {
                    URI uri;
                    try {
                        uri = new URI(text.trim());
                    } catch (URISyntaxException e) {
                        throw new IllegalArgumentException("must be a URL like http://host:9200");
                    }
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                            || uri.getHost() == null) {
                        throw new IllegalArgumentException("must be a URL like http://host:9200");
                    }
                    return uri;
                });
    }

    /** A JDBC URL of PostgreSQL. */
    public static Option<String> jdbcUrl(String name, String defaultValue, String description) {
        return new Option<>(
                name,
                defaultValue,
                description,
                text -> {
                    String t = text.trim();
                    if (!t.startsWith("jdbc:postgresql:")) {
                        throw new IllegalArgumentException(
                                "must be a JDBC URL like jdbc:postgresql://host:5432/helpdesk");
                    }
                    return t;
                });
    }

    static Duration positiveDuration(String text) {
        String t = text.trim();
        Duration d;
        try {
            d = Duration.parse(t.startsWith("P") || t.startsWith("p") ? t : "PT" + t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be a duration like 10s, 2m or PT10S");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("must be positive");
        }
        return d;
    }

    private final Map<String, Option<?>> options = new LinkedHashMap<>();

    private JobOptions(List<Option<?>> options) {
        for (Option<?> o : options) {
            if (this.options.put(o.name(), o) != null) {
                throw new IllegalArgumentException("option --" + o.name() + " declared twice");
            }
        }
    }

    /** These options, in this order (the usage's). */
    public static JobOptions of(List<? extends Option<?>> options) {
        return new JobOptions(List.copyOf(options));
    }

    /** The options taken, in order. */
    public List<Option<?>> options() {
        return List.copyOf(options.values());
    }

    /** Whether this set takes {@code --name}. */
    public boolean takes(String name) {
        return options.containsKey(name);
    }

    /** The values of the options, given or defaulted. */
    public static final class Values {
        private final Map<String, Object> values;

        private Values(Map<String, Object> values) {
            this.values = values;
        }

        /**
         * The option's value; an option this set does not take has its default (a job that does not
         * take an option uses what it would default to).
         */
        @SuppressWarnings("unchecked")
        public <T> T get(Option<T> option) {
            return values.containsKey(option.name())
                    ? (T) values.get(option.name())
                    : option.defaultParsed();
        }
    }

    /**
     * Reads {@code --name value} pairs.
     *
     * @throws IllegalArgumentException naming every problem, each with what to fix, then the usage
     */
    public Values parse(String... args) {
        List<String> problems = new ArrayList<>();
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                problems.add("'" + arg + "' is not an option: options are --name value");
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            }
            if (!options.containsKey(name)) {
                problems.add("--" + name + " is not an option of this job");
            } else if (value == null) {
                problems.add("--" + name + " needs a value");
            } else if (given.put(name, value) != null) {
                problems.add("--" + name + " is given more than once");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Option<?> o : options.values()) {
            String text = given.getOrDefault(o.name(), o.defaultValue());
            if (text == null) {
                problems.add("--" + o.name() + " is required (" + o.description() + ")");
                continue;
            }
            try {
                values.put(o.name(), o.parser().parse(text));
            } catch (IllegalArgumentException e) {
                problems.add("--" + o.name() + " " + e.getMessage() + ", got '" + text + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid options:\n  " + String.join("\n  ", problems) + "\n" + usage());
        }
        return new Values(values);
    }

    /**
     * {@code --name value} arguments of the options {@code taken} takes, from option texts by name
     * (in {@code taken}'s order; an option without a text is left out: its default).
     */
    public static List<String> arguments(Map<String, String> texts, JobOptions taken) {
        List<String> args = new ArrayList<>();
        for (Option<?> o : taken.options.values()) {
            String text = texts.get(o.name());
            if (text != null) {
                args.add("--" + o.name());
                args.add(text);
            }
        }
        return args;
    }

    /** One line per option: name, description, default or "required". */
    public String usage() {
        StringBuilder b = new StringBuilder("options:\n");
        for (Option<?> o : options.values()) {
            b.append("  --")
                    .append(o.name())
                    .append(" <value>  ")
                    .append(o.description())
                    .append(
                            o.defaultValue() == null
                                    ? " (required)"
                                    : o.defaultValue().isEmpty()
                                            ? ""
                                            : " (default " + o.defaultValue() + ")")
                    .append('\n');
        }
        return b.toString();
    }
}
