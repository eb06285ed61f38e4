package dev.lethe.cli;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.purge.ElasticsearchErasureIndex;
import dev.lethe.jobs.purge.ErasureProcessor;
import dev.lethe.jobs.purge.PurgeSchema;
import dev.lethe.keys.SubjectIds;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.retention.RetentionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lethe subject erase <subject> --reason ...}: records an erasure request (Art. 17) in
 * {@code lethe.erasure_requests}; the retention job carries it out on its own, as soon as it sees
 * it ({@link ErasureProcessor}). {@code --wait} polls until the request is done (or blocked or
 * failing: exit 1 with the reason), {@code --dry-run} prints what would be erased and redacted
 * without recording anything, {@code --status} lists the requests and their progress.
 */
@Command(
        name = "erase",
        mixinStandardHelpOptions = true,
        description = {
            "Records an erasure request (Art. 17) for a subject (e.g. contact:42); the retention"
                    + " job erases every record of the person, redacts their mentions in others'"
                    + " text and shreds their data key.",
            "--status lists requests and their progress; --dry-run shows what would be erased."
        })
final class SubjectEraseCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Parameters(arity = "0..1", paramLabel = "SUBJECT", description = "e.g. contact:42")
    String subject;

    @Option(
            names = "--reason",
            description =
                    "why (recorded with the request and the erasure, for good; refused if it holds"
                            + " an email, phone, IBAN, card number or handle)")
    String reason;

    @Option(names = "--request-id", description = "the request's id (default: a new UUID)")
    String requestId;

    @Option(names = "--status", description = "list the erasure requests and their progress")
    boolean status;

    @Option(names = "--dry-run", description = "print what would be erased; record nothing")
    boolean dryRun;

    @Option(
            names = "--wait",
            arity = "0..1",
            fallbackValue = "10m",
            converter = DurationConverter.class,
            description = "wait (up to this long, default 10m) until the request is carried out")
    Duration wait;

    @Option(
            names = "--policy",
            description = "the retention policy file (default: the one shipped with Lethe)")
    String policyPath = "";

    @Override
    public Integer call() throws Exception {
        // kept with the request and in the register of erased subjects, for good
        PersonalDataInText.requireNone("--reason", reason);
        StackSettings s = options.resolve();
        try (Connection db = StackProbe.connectPostgres(s)) {
            PurgeSchema.create(db);
            if (status) {
                printStatus(db, null);
                return 0;
            }
            if (subject == null || !SubjectIds.isValid(subject)) {
                System.err.println(
                        "give a subject id such as contact:42 (see ./lethe subject find)");
                return 2;
            }
            PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
            RetentionPolicy policy = RetentionPolicy.loadOrDefault(policyPath, catalog);
            Optional<String> refused = ErasureProcessor.refusal(db, catalog, subject);
            if (refused.isPresent()) {
                System.err.println("refused: " + refused.get() + "; nothing was recorded");
                return 2;
            }
            if (dryRun) {
                return dryRun(s, catalog, policy);
            }
            if (reason == null || reason.isBlank()) {
                System.err.println("--reason is required");
                return 2;
            }
            String id = requestId != null ? requestId : UUID.randomUUID().toString();
            ErasureProcessor.request(db, id, subject, reason, policy, catalog, Instant.now());
            System.out.println("erasure request " + id + " recorded for " + subject);
            if (wait == null) {
                return 0;
            }
            Instant until = Instant.now().plus(wait);
            while (true) {
                String state = state(db, id);
                if (ErasureProcessor.DONE.equals(state)) {
                    printStatus(db, id);
                    return 0;
                }
                boolean stuck =
                        ErasureProcessor.BLOCKED.equals(state)
                                || ErasureProcessor.FAILING.equals(state)
                                || ErasureProcessor.REFUSED.equals(state);
                if (stuck || Instant.now().isAfter(until)) {
                    printStatus(db, id);
                    return 1;
                }
                Thread.sleep(500);
            }
        }
    }

    private int dryRun(StackSettings s, PersonalDataCatalog catalog, RetentionPolicy policy)
            throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.postgresJdbcUrl());
        ds.setUser(s.postgresUser());
        ds.setPassword(s.postgresPassword());
        ElasticsearchErasureIndex index =
                new ElasticsearchErasureIndex(
                        new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                                .open(s.elasticsearchPassword().orElse(null)),
                        LocationDocument.INDEX,
                        Duration.ofMinutes(1),
                        Clock.systemUTC());
        try (ErasureProcessor processor =
                new ErasureProcessor(
                        ds, catalog, policy, null, index, Clock.systemUTC(), Duration.ZERO)) {
            dev.lethe.erasure.ErasurePlan plan = processor.plan(subject);
            System.out.println("dry run: an erasure of " + subject + " would now");
            for (String r : plan.erase()) {
                System.out.println("  delete  " + r);
            }
            for (String r : plan.dependents()) {
                System.out.println("  delete  " + r + " (with the record it belongs to)");
            }
            for (Map.Entry<String, Map<String, Set<String>>> m : plan.redact().entrySet()) {
                System.out.println(
                        "  redact  "
                                + m.getKey()
                                + " "
                                + String.join(",", m.getValue().keySet())
                                + " (mentions in someone else's record)");
            }
            System.out.println("  shred   the data key of " + subject);
            if (plan.openTicket() != null) {
                System.out.println(
                        "blocked: " + plan.openTicket() + " is still open (solve or close it)");
            }
        }
        return 0;
    }

    private static String state(Connection db, String id) throws Exception {
        try (PreparedStatement q =
                db.prepareStatement(
                        "SELECT status FROM lethe.erasure_requests WHERE request_id = ?")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static void printStatus(Connection db, String only) throws Exception {
        try (PreparedStatement q =
                db.prepareStatement(
                        "SELECT request_id, subject_id, status, records_found, records_purged,"
                                + " requested_at, due_at, completed_at, coalesce(status_reason, '')"
                                + " FROM lethe.erasure_requests WHERE (?::text IS NULL OR"
                                + " request_id = ?) ORDER BY requested_at DESC")) {
            q.setString(1, only);
            q.setString(2, only);
            try (ResultSet r = q.executeQuery()) {
                System.out.printf(
                        "%-36s %-14s %-16s %6s %6s %-20s %-20s %s%n",
                        "REQUEST",
                        "SUBJECT",
                        "STATUS",
                        "FOUND",
                        "PURGED",
                        "REQUESTED",
                        "DUE",
                        "REASON");
                Instant now = Instant.now();
                while (r.next()) {
                    String st = r.getString(3);
                    Timestamp due = r.getTimestamp(7);
                    if (!ErasureProcessor.DONE.equals(st) && now.isAfter(due.toInstant())) {
                        st = "OVERDUE " + st;
                    }
                    System.out.printf(
                            "%-36s %-14s %-16s %6d %6d %-20s %-20s %s%n",
                            r.getString(1),
                            r.getString(2),
                            st,
                            r.getInt(4),
                            r.getInt(5),
                            r.getTimestamp(6).toInstant().toString().substring(0, 19),
                            due.toInstant().toString().substring(0, 19),
                            r.getString(9));
                }
            }
        }
    }
}
