package dev.lethe.jobs.retention;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.retention.LegalHold;
import dev.lethe.retention.PurgeGuard;
import dev.lethe.retention.RetentionPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Builders for the retention tests: a 60-second soft-delete window, ticket changes, a fake
 * helpdesk.
 */
final class RetentionTestData {

    static final long WINDOW_MS = 60_000;
    static final long RETRY_MS = 10_000;

    static final RetentionPolicy POLICY =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            ("version: 1\nrules:\n  - {id: tickets.soft-deleted, table: tickets,"
                                            + " since: deleted_at, after: 60s, action: delete}\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "test",
                    PersonalDataCatalog.loadDefault());

    private static long lsn = 1;

    private RetentionTestData() {}

    static String at(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    static ChangeEvent ticket(long id, Operation op, Long deletedAtMillis) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("contact_id", "1");
        row.put("status", "open");
        row.put("deleted_at", deletedAtMillis == null ? null : at(deletedAtMillis));
        return ChangeEvent.newBuilder()
                .setTable("tickets")
                .setKey(Map.of("id", Long.toString(id)))
                .setOp(op)
                .setBefore(null)
                .setAfter(op == Operation.DELETE ? null : new HashMap<>(row))
                .setSource(
                        SourcePosition.newBuilder()
                                .setLsn(lsn++)
                                .setCommitTime(Instant.ofEpochMilli(0))
                                .setCaptureTime(Instant.ofEpochMilli(0))
                                .setTopic("helpdesk.public.tickets")
                                .setPartition(0)
                                .setOffset(lsn)
                                .build())
                .build();
    }

    static ChangeEvent softDeleted(long id, long deletedAtMillis) {
        return ticket(id, Operation.UPDATE, deletedAtMillis);
    }

    static ChangeEvent restored(long id) {
        return ticket(id, Operation.UPDATE, null);
    }

    static ChangeEvent inserted(long id) {
        return ticket(id, Operation.INSERT, null);
    }

    /**
     * The helpdesk's tickets as the executor sees them, with the real guard: the executor purges
     * only what is still eligible, and a replay is a no-op.
     */
    static final class FakeHelpdesk implements PurgeExecutor {
        final Map<Long, Long> deletedAt = new HashMap<>();
        final Set<Long> rows = new HashSet<>();
        final Set<Long> held = new HashSet<>();

        /** Rows whose purge waits as adoption backlog (as JdbcPurgeExecutor decides it). */
        final Set<Long> backlog = new HashSet<>();

        final List<PurgeOutcome> outcomes = new ArrayList<>();
        final List<Long> purged = new ArrayList<>();
        final Set<String> doneCommands = new HashSet<>();
        final List<PurgeCommand> commands = new ArrayList<>();
        LongSupplier clock = () -> 0;

        void insert(long id) {
            rows.add(id);
            deletedAt.remove(id);
        }

        void softDelete(long id, long at) {
            deletedAt.put(id, at);
        }

        void restore(long id) {
            deletedAt.remove(id);
        }

        @Override
        public PurgeOutcome execute(PurgeCommand command) {
            commands.add(command);
            long id = command.rowId();
            if (doneCommands.contains(command.commandId())) {
                return record(
                        new PurgeOutcome(
                                command.commandId(),
                                "r",
                                PurgeOutcome.DONE,
                                PurgeGuard.Verdict.ELIGIBLE,
                                "replay",
                                true));
            }
            if (backlog.contains(id)) {
                return record(
                        new PurgeOutcome(
                                command.commandId(),
                                null,
                                PurgeOutcome.SKIPPED,
                                PurgeGuard.Verdict.ADOPTION_BACKLOG,
                                "ADOPTION_BACKLOG",
                                false));
            }
            Map<String, String> row = null;
            if (rows.contains(id)) {
                row = new HashMap<>();
                row.put("id", Long.toString(id));
                row.put("deleted_at", deletedAt.containsKey(id) ? at(deletedAt.get(id)) : null);
            }
            Optional<LegalHold> hold =
                    held.contains(id)
                            ? Optional.of(LegalHold.onRecord("tickets/" + id, "case"))
                            : Optional.empty();
            PurgeGuard.Decision d =
                    PurgeGuard.retention(
                            POLICY.rule(command.ruleId()).orElseThrow(),
                            command.start(),
                            row,
                            Instant.ofEpochMilli(clock.getAsLong()),
                            hold);
            if (d.eligible()) {
                rows.remove(id);
                deletedAt.remove(id);
                purged.add(id);
                doneCommands.add(command.commandId());
            }
            return record(
                    new PurgeOutcome(
                            command.commandId(),
                            "r",
                            d.eligible() ? PurgeOutcome.DONE : PurgeOutcome.SKIPPED,
                            d.verdict(),
                            d.reason(),
                            false));
        }

        private PurgeOutcome record(PurgeOutcome o) {
            outcomes.add(o);
            return o;
        }
    }
}
