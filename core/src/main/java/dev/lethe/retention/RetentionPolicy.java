package dev.lethe.retention;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.IdentifierKind;
import dev.lethe.catalog.PersonalDataCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The retention policy: the rules of {@code config/retention-policy.yaml}, the legal holds it
 * declares, and the erasure deadline. Loading validates it against the personal-data catalog and
 * reports every problem at once ({@link RetentionPolicyException#problems()}): unknown tables or
 * columns, a {@code since} column that is not a timestamp, durations that do not parse, unknown
 * actions or anonymization methods, duplicate rule ids.
 *
 * <p>Immutable, serializable (Flink operators carry it), thread-safe.
 */
public final class RetentionPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where the shipped policy is on the classpath (a copy of config/retention-policy.yaml). */
    public static final String DEFAULT_RESOURCE = "/dev/lethe/retention/retention-policy.yaml";

    /** The erasure deadline when the policy names none: the GDPR's one month (Art. 12(3)). */
    public static final RetentionPeriod DEFAULT_ERASURE_DEADLINE = RetentionPeriod.parse("P1M");

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final Set<String> ROOT =
            Set.of("version", "erasure", "adoption", "rules", "holds");
    private static final Set<String> ERASURE = Set.of("deadline", "approval");
    private static final Set<String> RULE =
            Set.of("id", "table", "since", "when", "after", "action", "anonymize", "note");

    private final List<RetentionRule> rules;
    private final List<LegalHold> holds;
    private final RetentionPeriod erasureDeadline;
    private final Adoption adoption;
    private final ErasureApproval erasureApproval;

    /**
     * Who must agree before an erasure request is carried out ({@code erasure.approval} in the
     * policy file).
     */
    public enum ErasureApproval {
        /** The request of one DPO is carried out as soon as it is found (the default). */
        SINGLE("single"),
        /**
         * A request waits ({@code awaiting-approval}) until a second, different DPO approves it;
         * the purge job leaves it alone until then.
         */
        FOUR_EYES("four-eyes");

        private final String yaml;

        ErasureApproval(String yaml) {
            this.yaml = yaml;
        }

        /** As written in the policy file. */
        public String yaml() {
            return yaml;
        }

        /** The mode written {@code text} ({@code single}, {@code four-eyes}). */
        public static Optional<ErasureApproval> parse(String text) {
            for (ErasureApproval a : values()) {
                if (a.yaml.equals(text)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * What happens to purges that were already due when Lethe adopted the helpdesk (their deadline
     * lies before the adoption: rows soft-deleted, or closed, long before Lethe watched them).
     */
    public enum Adoption {
        /**
         * They wait for an operator's approval ({@code ./lethe purges approve-backlog}); the
         * default: a first start never deletes years of history silently.
         */
        HOLD_BACKLOG("hold-backlog"),
        /** They are carried out like any purge, as soon as the retention job sees the rows. */
        PURGE_IMMEDIATELY("purge-immediately");

        private final String yaml;

        Adoption(String yaml) {
            this.yaml = yaml;
        }

        /** As written in the policy file. */
        public String yaml() {
            return yaml;
        }

        static Optional<Adoption> parse(String text) {
            for (Adoption a : values()) {
                if (a.yaml.equals(text)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public RetentionPolicy(
            List<RetentionRule> rules, List<LegalHold> holds, RetentionPeriod erasureDeadline) {
        this(rules, holds, erasureDeadline, Adoption.HOLD_BACKLOG);
    }

    public RetentionPolicy(
            List<RetentionRule> rules,
            List<LegalHold> holds,
            RetentionPeriod erasureDeadline,
            Adoption adoption) {
        this(rules, holds, erasureDeadline, adoption, ErasureApproval.SINGLE);
    }

    public RetentionPolicy(
            List<RetentionRule> rules,
            List<LegalHold> holds,
            RetentionPeriod erasureDeadline,
            Adoption adoption,
            ErasureApproval erasureApproval) {
        this.rules = List.copyOf(rules);
        this.holds = List.copyOf(holds);
        this.erasureDeadline = erasureDeadline;
        this.adoption = java.util.Objects.requireNonNull(adoption, "adoption");
        this.erasureApproval = java.util.Objects.requireNonNull(erasureApproval, "approval");
    }

    /** Whether an erasure request needs a second DPO's approval before it is carried out. */
    public ErasureApproval erasureApproval() {
        return erasureApproval;
    }

    /** This policy with another approval mode (a server setting that overrides the file's). */
    public RetentionPolicy withErasureApproval(ErasureApproval approval) {
        return new RetentionPolicy(rules, holds, erasureDeadline, adoption, approval);
    }

    /** What happens to purges due before Lethe adopted the helpdesk. */
    public Adoption adoption() {
        return adoption;
    }

    /** Reads and validates a policy file against {@code catalog}. */
    public static RetentionPolicy load(Path file, PersonalDataCatalog catalog) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString(), catalog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read retention policy " + file, e);
        }
    }

    /** The policy shipped with Lethe, validated against {@code catalog}. */
    public static RetentionPolicy loadDefault(PersonalDataCatalog catalog) {
        try (InputStream in = RetentionPolicy.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is not on the classpath");
            }
            return load(in, DEFAULT_RESOURCE, catalog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** The operator's file, or the shipped policy if {@code file} is null or blank. */
    public static RetentionPolicy loadOrDefault(String file, PersonalDataCatalog catalog) {
        return file == null || file.isBlank() ? loadDefault(catalog) : load(Path.of(file), catalog);
    }

    /** Reads and validates a policy from a stream (not closed). */
    public static RetentionPolicy load(InputStream in, String source, PersonalDataCatalog catalog) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw new RetentionPolicyException(
                    source, List.of("not readable YAML: " + e.getMessage()), e);
        }
        List<String> problems = new ArrayList<>();
        RetentionPolicy policy = parse(root, catalog, problems);
        if (!problems.isEmpty()) {
            throw new RetentionPolicyException(source, problems, null);
        }
        return policy;
    }

    public List<RetentionRule> rules() {
        return rules;
    }

    public List<LegalHold> holds() {
        return holds;
    }

    public RetentionPeriod erasureDeadline() {
        return erasureDeadline;
    }

    /** The rules of {@code table}, in policy order. */
    public List<RetentionRule> rulesFor(String table) {
        return rules.stream().filter(r -> r.table().equals(table)).collect(Collectors.toList());
    }

    /** The rule with this id, if any. */
    public Optional<RetentionRule> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The tables some rule governs. */
    public Set<String> tables() {
        return rules.stream().map(RetentionRule::table).collect(Collectors.toSet());
    }

    /**
     * The purge due for a row of {@code table} with these values: the applicable rule with the
     * earliest deadline; empty if no rule applies (not deleted, not closed, ...).
     */
    public Optional<Due> due(String table, Map<String, String> row) {
        Optional<Due> earliest = Optional.empty();
        for (RetentionRule rule : rulesFor(table)) {
            Optional<Instant> start = rule.start(row);
            if (start.isPresent()) {
                Due due = new Due(rule, start.get(), rule.after().after(start.get()));
                if (earliest.isEmpty() || due.deadline().isBefore(earliest.get().deadline())) {
                    earliest = Optional.of(due);
                }
            }
        }
        return earliest;
    }

    /** The first declared hold covering the record {@code recordId} about {@code subjectIds}. */
    public Optional<LegalHold> holdOn(String recordId, Collection<String> subjectIds) {
        return holds.stream().filter(h -> h.covers(recordId, subjectIds)).findFirst();
    }

    /**
     * A purge a rule makes due for a row.
     *
     * @param rule the rule
     * @param start the row's value of the rule's {@code since} column
     * @param deadline start plus the rule's window
     */
    public record Due(RetentionRule rule, Instant start, Instant deadline)
            implements Serializable {}

    // ---- parsing and validation

    private static RetentionPolicy parse(
            JsonNode root, PersonalDataCatalog catalog, List<String> problems) {
        if (root == null || !root.isObject()) {
            problems.add("the file must be a YAML mapping");
            return null;
        }
        unknownAttributes(root, ROOT, "the policy", problems);
        if (root.path("version").asInt(0) != 1) {
            problems.add("version must be 1");
        }
        RetentionPeriod erasure = DEFAULT_ERASURE_DEADLINE;
        JsonNode deadline = root.path("erasure").path("deadline");
        if (!deadline.isMissingNode()) {
            try {
                erasure = RetentionPeriod.parse(deadline.asText());
            } catch (IllegalArgumentException e) {
                problems.add("erasure.deadline: " + e.getMessage());
            }
        }
        unknownAttributes(root.path("erasure"), ERASURE, "erasure", problems);
        ErasureApproval approval = ErasureApproval.SINGLE;
        JsonNode approvalNode = root.path("erasure").path("approval");
        if (!approvalNode.isMissingNode()) {
            Optional<ErasureApproval> parsed =
                    approvalNode.isTextual()
                            ? ErasureApproval.parse(approvalNode.asText())
                            : Optional.empty();
            if (parsed.isPresent()) {
                approval = parsed.get();
            } else {
                problems.add(
                        "erasure.approval must be single (the default) or four-eyes, got '"
                                + approvalNode.asText()
                                + "'");
            }
        }
        Adoption adoption = Adoption.HOLD_BACKLOG;
        JsonNode adoptionNode = root.path("adoption");
        if (!adoptionNode.isMissingNode()) {
            Optional<Adoption> parsed =
                    adoptionNode.isTextual()
                            ? Adoption.parse(adoptionNode.asText())
                            : Optional.empty();
            if (parsed.isPresent()) {
                adoption = parsed.get();
            } else {
                problems.add(
                        "adoption must be hold-backlog (the default) or purge-immediately, got '"
                                + adoptionNode.asText()
                                + "'");
            }
        }
        List<RetentionRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode node : root.path("rules")) {
            index++;
            RetentionRule rule = rule(node, index, catalog, problems);
            if (rule != null && !ids.add(rule.id())) {
                problems.add("rule " + rule.id() + ": the id is used twice");
            } else if (rule != null) {
                rules.add(rule);
            }
        }
        List<LegalHold> holds = new ArrayList<>();
        index = 0;
        for (JsonNode node : root.path("holds")) {
            index++;
            try {
                holds.add(
                        new LegalHold(
                                text(node, "subject"), text(node, "record"), text(node, "reason")));
            } catch (RuntimeException e) {
                problems.add("hold #" + index + ": " + e.getMessage());
            }
        }
        return new RetentionPolicy(rules, holds, erasure, adoption, approval);
    }

    private static RetentionRule rule(
            JsonNode node, int index, PersonalDataCatalog catalog, List<String> problems) {
        String id = text(node, "id");
        String name = "rule " + (id == null ? "#" + index : id);
        int before = problems.size();
        if (!node.isObject()) {
            problems.add(name + ": must be a mapping");
            return null;
        }
        unknownAttributes(node, RULE, name, problems);
        if (id == null) {
            problems.add(name + ": id is required");
        }
        String table = text(node, "table");
        String since = text(node, "since");
        if (table == null) {
            problems.add(name + ": table is required");
        } else if (catalog.table(table).isEmpty()) {
            problems.add(name + ": table " + table + " is not in the personal-data catalog");
            table = null;
        }
        if (since == null) {
            problems.add(name + ": since (the column the window starts from) is required");
        } else if (table != null) {
            Optional<ColumnSpec> column = catalog.column(table, since);
            if (column.isEmpty()) {
                problems.add(name + ": column " + table + "." + since + " is not in the catalog");
            } else if (column.get().category() != DataCategory.TIMESTAMP) {
                problems.add(
                        name + ": since column " + table + "." + since + " is not a timestamp");
            }
        }
        Map<String, String> when = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> conditions = node.path("when").fields();
        while (conditions.hasNext()) {
            Map.Entry<String, JsonNode> c = conditions.next();
            if (table != null && catalog.column(table, c.getKey()).isEmpty()) {
                problems.add(
                        name
                                + ": when column "
                                + table
                                + "."
                                + c.getKey()
                                + " is not in the catalog");
            }
            when.put(c.getKey(), c.getValue().asText());
        }
        RetentionPeriod after = null;
        try {
            after = RetentionPeriod.parse(text(node, "after"));
        } catch (IllegalArgumentException e) {
            problems.add(name + ": after: " + e.getMessage());
        }
        PurgeAction action = null;
        String actionName = text(node, "action");
        if ("delete".equals(actionName)) {
            action = PurgeAction.DELETE;
        } else if ("anonymize".equals(actionName)) {
            action = PurgeAction.ANONYMIZE;
        } else {
            problems.add(name + ": action must be delete or anonymize, got " + actionName);
        }
        Map<String, AnonymizeMethod> anonymize = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> columns = node.path("anonymize").fields();
        while (columns.hasNext()) {
            Map.Entry<String, JsonNode> c = columns.next();
            Optional<ColumnSpec> column =
                    table == null ? Optional.empty() : catalog.column(table, c.getKey());
            if (table != null && column.isEmpty()) {
                problems.add(
                        name
                                + ": anonymize column "
                                + table
                                + "."
                                + c.getKey()
                                + " is not in the catalog");
            }
            AnonymizeMethod method = null;
            try {
                method = AnonymizeMethod.fromPolicyName(c.getValue().asText());
                anonymize.put(c.getKey(), method);
            } catch (IllegalArgumentException e) {
                problems.add(
                        name
                                + ": anonymize "
                                + c.getKey()
                                + ": method must be null, redacted, placeholder or empty");
            }
            if (method != null
                    && method != AnonymizeMethod.PLACEHOLDER
                    && column.flatMap(ColumnSpec::identifier).orElse(null)
                            == IdentifierKind.EMAIL) {
                // an email identifies its row's person: unique and required (contacts.email),
                // and the only new value the helpdesk's email trigger lets a purge write
                problems.add(
                        name
                                + ": anonymize "
                                + table
                                + "."
                                + c.getKey()
                                + ": an identifying email must be replaced by placeholder, got "
                                + c.getValue().asText());
            }
        }
        if (action == PurgeAction.ANONYMIZE
                && anonymize.isEmpty()
                && node.path("anonymize").isMissingNode()) {
            problems.add(name + ": action anonymize needs the columns to anonymize (anonymize:)");
        }
        if (action == PurgeAction.DELETE && !anonymize.isEmpty()) {
            problems.add(name + ": anonymize columns given for action delete");
        }
        if (problems.size() > before) {
            return null;
        }
        return new RetentionRule(
                id, table, since, when, after, action, anonymize, text(node, "note"));
    }

    private static void unknownAttributes(
            JsonNode node, Set<String> known, String where, List<String> problems) {
        node.fieldNames()
                .forEachRemaining(
                        f -> {
                            if (!known.contains(f)) {
                                problems.add(where + ": unknown attribute '" + f + "'");
                            }
                        });
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
