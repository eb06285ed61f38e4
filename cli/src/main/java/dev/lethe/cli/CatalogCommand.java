package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.ColumnClassification;
import dev.lethe.catalog.ColumnClassifications;
import dev.lethe.catalog.ColumnRef;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.UnclassifiedColumns;
import dev.lethe.catalog.UngovernedTables;
import dev.lethe.discovery.Finding;
import dev.lethe.discovery.FreeTextScanner;
import dev.lethe.discovery.KnownSubjectNames;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.PiiKind;
import dev.lethe.jobs.config.ClassifiedColumns;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "catalog",
        description = "The personal-data catalog against the helpdesk's live schema.",
        subcommands = {CatalogCommand.Check.class, CatalogCommand.Classify.class},
        mixinStandardHelpOptions = true)
final class CatalogCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** How many non-null values of a column are sampled for a suggestion. */
    static final int SAMPLE = 100;

    /** One unclassified column, with what the detectors saw in its sampled values. */
    record ColumnFinding(
            String column, int sampled, Map<String, Integer> kinds, String suggestion) {}

    /** The unclassified columns, each with a suggested category from a sample of its values. */
    static List<ColumnFinding> check(Connection c, PersonalDataCatalog catalog)
            throws SQLException {
        List<ColumnFinding> out = new ArrayList<>();
        List<String> columns = UnclassifiedColumns.find(c, catalog);
        if (columns.isEmpty()) {
            return out;
        }
        KnownSubjectNames names = new KnownSubjectNames();
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT id, first_name, last_name FROM contacts ORDER BY id DESC"
                                        + " LIMIT 5000")) {
            while (r.next()) {
                names.register("contact:" + r.getLong(1), r.getString(2), r.getString(3));
            }
        }
        FreeTextScanner scanner = new FreeTextScanner(PhoneDetector.DEFAULT_REGIONS, names);
        for (String tc : columns) {
            String table = tc.substring(0, tc.indexOf('.'));
            String column = tc.substring(tc.indexOf('.') + 1);
            Map<String, Integer> kinds = new TreeMap<>();
            int sampled = 0;
            try (Statement s = c.createStatement();
                    ResultSet r =
                            s.executeQuery(
                                    "SELECT "
                                            + quote(column)
                                            + "::text FROM "
                                            + quote(table)
                                            + " WHERE "
                                            + quote(column)
                                            + " IS NOT NULL ORDER BY id DESC LIMIT "
                                            + SAMPLE)) {
                while (r.next()) {
                    sampled++;
                    for (Finding f : scanner.scan(r.getString(1))) {
                        kinds.merge(f.kind().code(), 1, Integer::sum);
                    }
                }
            }
            out.add(new ColumnFinding(tc, sampled, kinds, suggest(sampled, kinds)));
        }
        return out;
    }

    /** The category the sample suggests: the detector that found most, or free text. */
    static String suggest(int sampled, Map<String, Integer> kinds) {
        if (sampled == 0) {
            return "unknown (no values yet)";
        }
        String best = null;
        for (Map.Entry<String, Integer> k : kinds.entrySet()) {
            if (best == null || k.getValue() > kinds.get(best)) {
                best = k.getKey();
            }
        }
        if (best == null) {
            return "free_text (no identifier or known name found in the sample)";
        }
        return (best.equals(PiiKind.SOCIAL_HANDLE.code()) ? "handle" : best)
                + " ("
                + kinds.get(best)
                + " findings in "
                + sampled
                + " sampled values)";
    }

    private static String quote(String identifier) {
        return dev.lethe.retention.HelpdeskRowGraph.quote(identifier);
    }

    @Command(
            name = "check",
            description = {
                "Names every column of a governed table that the catalog does not classify (added"
                        + " by a migration), with a category suggested by the detectors from a sample"
                        + " of its values (never printed). Until classified, the audit log encrypts"
                        + " such a column as the row subject's personal data and discovery scans it"
                        + " as free text.",
                "Names every table of the helpdesk's schema the catalog does not name"
                        + " (UNGOVERNED_TABLE): its changes are not captured, logged or indexed.",
                "Exit code 0 when every table is in the catalog and every column classified, 1"
                        + " otherwise."
            },
            mixinStandardHelpOptions = true)
    static final class Check implements Callable<Integer> {

        @Option(names = "--json", description = "Print the result as one JSON object.")
        boolean json;

        @Mixin StackOptions options;

        @Override
        public Integer call() throws Exception {
            StackSettings s = options.resolve();
            List<ColumnFinding> found;
            List<String> ungoverned;
            try (Connection c = StackProbe.connectPostgres(s)) {
                PersonalDataCatalog live = LiveCatalog.read(c);
                found = check(c, live);
                ungoverned = UngovernedTables.find(c, live);
            }
            boolean ok = found.isEmpty() && ungoverned.isEmpty();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ObjectNode root = m.createObjectNode();
                root.put("ok", ok);
                ArrayNode tables = root.putArray("ungoverned");
                for (String t : ungoverned) {
                    tables.addObject().put("finding", "UNGOVERNED_TABLE").put("table", t);
                }
                ArrayNode cols = root.putArray("unclassified");
                for (ColumnFinding f : found) {
                    ObjectNode n = cols.addObject();
                    n.put("finding", "UNCLASSIFIED_COLUMN");
                    n.put("column", f.column());
                    n.put("sampled", f.sampled());
                    ObjectNode k = n.putObject("detected");
                    f.kinds().forEach(k::put);
                    n.put("suggestedCategory", f.suggestion());
                }
                System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else if (ok) {
                System.out.println(
                        "OK: the catalog names every table of the helpdesk and classifies every"
                                + " column of them");
            } else {
                for (String t : ungoverned) {
                    System.out.println(
                            "UNGOVERNED_TABLE "
                                    + t
                                    + ": not in the catalog, so its changes are not captured,"
                                    + " logged or indexed");
                }
                if (!ungoverned.isEmpty()) {
                    System.out.println(
                            "Governing a table takes the catalog (subject: none, with the reason,"
                                    + " when it holds no personal data), the connector's table list"
                                    + " and the jobs' tables to name it: docs/operations.md,"
                                    + " \"Schema changes\".");
                }
            }
            if (!json && !found.isEmpty()) {
                for (ColumnFinding f : found) {
                    System.out.println(
                            "UNCLASSIFIED_COLUMN "
                                    + f.column()
                                    + ": suggested category "
                                    + f.suggestion());
                }
                System.out.println(
                        "Until classified, these columns are encrypted in the audit log as personal"
                                + " data of the row's subject and scanned as free text by discovery."
                                + " Classify one with ./lethe catalog classify TABLE.COLUMN"
                                + " --category CATEGORY (no restart needed).");
            }
            return ok ? 0 : 1;
        }
    }

    @Command(
            name = "classify",
            description = {
                "Classifies a column the catalog file does not declare (added by a migration), while"
                        + " Lethe runs: the audit and discovery jobs apply it from the next change on"
                        + " (within "
                        + (ClassifiedColumns.REFRESH_MS / 1000)
                        + " s), without a restart, and the classification itself is an entry of"
                        + " the audit log (who classified what, when).",
                "The catalog file stays the reviewed source of what it declares: to change a"
                        + " declared column, edit the file and restart the jobs."
            },
            mixinStandardHelpOptions = true)
    static final class Classify implements Callable<Integer> {

        @CommandLine.Parameters(
                index = "0",
                paramLabel = "TABLE.COLUMN",
                description = "The column, e.g. contacts.nickname.")
        String column;

        @Option(
                names = "--category",
                required = true,
                converter = CategoryConverter.class,
                description = "What it holds, one of: ${COMPLETION-CANDIDATES}.",
                completionCandidates = Categories.class)
        DataCategory category;

        @Option(
                names = "--personal",
                negatable = true,
                description =
                        "Whether its values are personal data of the row's subject (default: as"
                                + " the category says; --no-personal keeps them in clear in the"
                                + " audit log).")
        Boolean personal;

        @Option(
                names = "--note",
                description =
                        "Why (e.g. the review's reference), kept in the audit log for good;"
                                + " refused if it holds an email, phone, IBAN, card or handle.")
        String note;

        @Option(
                names = "--classified-by",
                description = "Who classifies (default: the OS user), kept in the audit log.")
        String classifiedBy = System.getProperty("user.name");

        @Mixin StackOptions options;

        @Override
        public Integer call() throws Exception {
            ColumnRef ref = ColumnClassification.parseColumn(column);
            PersonalDataInText.requireNone("--note", note);
            if (classifiedBy == null || classifiedBy.isBlank() || classifiedBy.indexOf('@') >= 0) {
                throw new IllegalArgumentException(
                        "--classified-by is kept in the audit log for good: give a user name or"
                                + " staff id, not an email address");
            }
            ColumnClassification classification =
                    new ColumnClassification(
                            ref.table(),
                            ref.column(),
                            category,
                            personal == null ? category.personalByDefault() : personal,
                            classifiedBy,
                            Instant.now().truncatedTo(ChronoUnit.MILLIS),
                            note);
            StackSettings s = options.resolve();
            try (Connection db = StackProbe.connectPostgres(s)) {
                PersonalDataCatalog file = PersonalDataCatalog.loadDefault();
                if (file.table(ref.table()).isEmpty()) {
                    throw new IllegalArgumentException(
                            "table "
                                    + ref.table()
                                    + " is not governed by the catalog (tables: "
                                    + String.join(", ", file.tables())
                                    + ")");
                }
                if (file.column(ref.table(), ref.column()).isPresent()) {
                    throw new IllegalArgumentException(
                            column
                                    + " is declared in the catalog file: edit the file to change it"
                                    + " (classify is for columns added since)");
                }
                if (!UnclassifiedColumns.find(db, file).contains(column)) {
                    throw new IllegalArgumentException(
                            "the helpdesk's table "
                                    + ref.table()
                                    + " has no column "
                                    + ref.column());
                }
                ColumnClassifications.createSchema(db);
                db.setAutoCommit(false);
                try {
                    ColumnClassifications.record(db, classification);
                    // in the audit log before the classification commits: none goes unrecorded
                    AuditRequests.send(
                            s.kafkaClient(),
                            classification.qualifiedName(),
                            AuditRequests.classificationRecord(classification));
                    db.commit();
                } catch (Exception e) {
                    db.rollback();
                    throw e;
                }
            }
            System.out.println(
                    "Classified "
                            + column
                            + " as "
                            + category.catalogName()
                            + (classification.personal() ? " (personal data)" : " (not personal)")
                            + ": the audit and discovery jobs apply it to changes from within "
                            + (ClassifiedColumns.REFRESH_MS / 1000)
                            + " s on; recorded in the audit log as catalog/"
                            + column
                            + ".");
            return 0;
        }
    }

    /** The categories as the catalog file writes them. */
    static final class Categories extends ArrayList<String> {
        Categories() {
            for (DataCategory c : DataCategory.values()) {
                add(c.catalogName());
            }
        }
    }

    /** A category as the catalog file writes it, in any case. */
    static final class CategoryConverter implements CommandLine.ITypeConverter<DataCategory> {
        @Override
        public DataCategory convert(String value) {
            return DataCategory.fromCatalogName(value.trim().toLowerCase(java.util.Locale.ROOT))
                    .orElseThrow(
                            () ->
                                    new CommandLine.TypeConversionException(
                                            "unknown category; one of: "
                                                    + String.join(", ", new Categories())));
        }
    }
}
