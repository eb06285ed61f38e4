package dev.lethe.jobs.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The real retention operator ({@link TrackRetention} in a keyed harness with processing time) fed
 * random histories of ticket changes: inserts (some of rows soft deleted earlier), soft deletes,
 * restores, closes, reopens, unrelated updates, duplicates re-rendered in PostgreSQL's text form,
 * hard deletes, legal holds, restarts from a snapshot, and time passing in random steps or to the
 * millisecond before, of or after a ticket's deadline. Change timestamps are data time: behind the
 * processing time by a random lag, to the microsecond.
 *
 * <p>The executor here carries out whatever it is given (no {@link dev.lethe.retention.PurgeGuard};
 * the guard has its own property, {@code PurgeGuardPropertiesTest} in core), except for held
 * tickets, so every command the operator emits is checked against an independent model of the
 * policy: the deadline of a ticket is the earliest of its rules' windows after the triggering
 * timestamp; whatever the history,
 *
 * <ul>
 *   <li>no command is emitted before its deadline, nor for a ticket that has none (never deleted,
 *       restored, reopened, hard deleted), nor for the wrong rule, start or deadline;
 *   <li>once time reaches the deadline, exactly one command is emitted for the ticket, at the first
 *       moment time reaches it (a held ticket: again after each retry interval);
 *   <li>the schedule mirrored to the executor lists exactly the tickets with a deadline;
 *   <li>when all holds are lifted and enough time passes, every ticket with a deadline is purged
 *       exactly once and no state or timer is left.
 * </ul>
 */
class RetentionHistoryPropertiesTest {

    private static final long SOFT_DELETE_WINDOW_MS = 60_000;
    private static final long CLOSED_WINDOW_MS = 90_000;
    private static final long RETRY_MS = 10_000;
    private static final int TICKETS = 4;

    /** Two rules on one table, so the earliest deadline has to win. */
    private static final RetentionPolicy POLICY =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            ("version: 1\n"
                                            + "rules:\n"
                                            + "  - {id: tickets.soft-deleted, table: tickets,"
                                            + " since: deleted_at, after: 60s, action: delete}\n"
                                            + "  - {id: tickets.closed, table: tickets,"
                                            + " since: closed_at, when: {status: closed},"
                                            + " after: 90s, action: anonymize,"
                                            + " anonymize: {subject: redacted, description: null}}\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "test",
                    PersonalDataCatalog.loadDefault());

    private static final DateTimeFormatter POSTGRES_TEXT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC);

    enum Kind {
        INSERT,
        SOFT_DELETE,
        RESTORE,
        CLOSE,
        REOPEN,
        UPDATE,
        RESEND,
        HARD_DELETE,
        HOLD,
        RELEASE,
        WAIT,
        WAIT_FOR_DEADLINE,
        RESTART
    }

    /**
     * One step: {@code millis} is the wait of a WAIT, otherwise how far the timestamp it writes
     * lags behind processing time (and, for an INSERT, whether the row arrives soft deleted);
     * {@code micros} is that timestamp's sub-millisecond part, and for a WAIT_FOR_DEADLINE which of
     * the three milliseconds around the ticket's deadline time moves to. A purged ticket is not
     * changed again (its row is gone).
     */
    record Step(Kind kind, int ticket, long millis, int micros, boolean postgresText) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Kind> kind =
                Arbitraries.frequency(
                        Tuple.of(4, Kind.INSERT),
                        Tuple.of(5, Kind.SOFT_DELETE),
                        Tuple.of(3, Kind.RESTORE),
                        Tuple.of(3, Kind.CLOSE),
                        Tuple.of(2, Kind.REOPEN),
                        Tuple.of(2, Kind.UPDATE),
                        Tuple.of(2, Kind.RESEND),
                        Tuple.of(1, Kind.HARD_DELETE),
                        Tuple.of(2, Kind.HOLD),
                        Tuple.of(2, Kind.RELEASE),
                        Tuple.of(5, Kind.WAIT),
                        Tuple.of(4, Kind.WAIT_FOR_DEADLINE),
                        Tuple.of(1, Kind.RESTART));
        Arbitrary<Step> step =
                Combinators.combine(
                                kind,
                                Arbitraries.integers().between(1, TICKETS),
                                Arbitraries.longs().between(0, 2 * CLOSED_WINDOW_MS),
                                Arbitraries.integers().between(0, 999),
                                Arbitraries.of(false, true))
                        .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 200)
    void purgeCommandsMatchThePolicyModelNeverEarlyNeverWrongNeverMissed(
            @ForAll("histories") List<Step> history) throws Exception {
        new Run().play(history);
    }

    /** One history against the operator and the model. */
    private static final class Run {
        final Helpdesk helpdesk = new Helpdesk();
        final Map<Long, Ticket> model = new TreeMap<>();
        final int[] purges = new int[TICKETS + 1];
        long now = 1_700_000_000_000L;
        final List<PurgeOutcome> emitted = new ArrayList<>();
        KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome> h;

        void play(List<Step> history) throws Exception {
            for (long id = 1; id <= TICKETS; id++) {
                model.put(id, new Ticket(id));
            }
            h = open(null);
            try {
                for (Step step : history) {
                    apply(step);
                    checkMirroredSchedule();
                }
                helpdesk.held.clear();
                model.values().forEach(t -> t.held = false);
                advanceTo(now + CLOSED_WINDOW_MS + 2 * RETRY_MS);
                advanceTo(now + 10 * RETRY_MS); // and nothing happens afterwards
                for (Ticket t : model.values()) {
                    assertThat(t.due()).as("ticket %d still has a deadline", t.id).isEmpty();
                    assertThat(purges[(int) t.id])
                            .as("purges of ticket %d", t.id)
                            .isEqualTo(t.purged ? 1 : 0);
                }
                emitted.addAll(h.extractOutputValues());
                assertThat(emitted)
                        .as("an outcome emitted per command carried out")
                        .hasSize(helpdesk.executed.size());
                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
                assertThat(helpdesk.mirrored).isEmpty();
            } finally {
                h.close();
            }
        }

        void apply(Step step) throws Exception {
            Ticket t = model.get((long) step.ticket());
            Instant at = Instant.ofEpochMilli(now - step.millis() % CLOSED_WINDOW_MS);
            at = at.plusNanos(step.micros() * 1_000L);
            switch (step.kind()) {
                case WAIT -> advanceTo(now + 1 + step.millis());
                case WAIT_FOR_DEADLINE -> {
                    // to the millisecond before, of or after the ticket's next attempt
                    long to =
                            t.nextAttempt == null
                                    ? now + 1
                                    : t.nextAttempt.toEpochMilli() + step.micros() % 3 - 1;
                    advanceTo(Math.max(now + 1, to));
                }
                case RESTART -> restart();
                case HOLD -> {
                    t.held = true;
                    helpdesk.held.add(t.id);
                }
                case RELEASE -> {
                    t.held = false;
                    helpdesk.held.remove(t.id);
                }
                case INSERT -> {
                    if (t.exists || t.gone) {
                        return; // ids are not reused
                    }
                    t.exists = true;
                    t.status = "open";
                    t.deletedAt = step.millis() % 2 == 1 ? at : null; // a row deleted long ago
                    send(t, Operation.INSERT, step.postgresText());
                }
                default -> {
                    if (!t.exists) {
                        return; // nobody changes a row that is not there
                    }
                    switch (step.kind()) {
                        case SOFT_DELETE -> t.deletedAt = at;
                        case RESTORE -> t.deletedAt = null;
                        case CLOSE -> {
                            t.status = "closed";
                            t.closedAt = at;
                        }
                        case REOPEN -> {
                            t.status = "open";
                            t.closedAt = null;
                        }
                        case UPDATE -> t.subject = "subject " + step.micros();
                        case HARD_DELETE -> {
                            t.exists = false;
                            t.gone = true;
                        }
                        default -> {} // RESEND: the same row again
                    }
                    send(
                            t,
                            step.kind() == Kind.HARD_DELETE ? Operation.DELETE : Operation.UPDATE,
                            step.postgresText());
                }
            }
        }

        /** Sends the ticket's row as it is now; the model reschedules if its deadline moved. */
        void send(Ticket t, Operation op, boolean postgresText) throws Exception {
            int executed = helpdesk.executed.size();
            h.processElement(new StreamRecord<>(t.event(op, postgresText)));
            assertThat(helpdesk.executed)
                    .as("a change never carries out a purge itself")
                    .hasSize(executed);
            Optional<Due> due = t.due();
            if (!due.equals(t.scheduled)) {
                t.scheduled = due;
                t.nextAttempt = due.map(Due::deadline).orElse(null);
            }
        }

        /**
         * Moves processing time to {@code to}: exactly the tickets whose next attempt is due get
         * one command each, for their current deadline, never before it.
         */
        void advanceTo(long to) throws Exception {
            int before = helpdesk.executed.size();
            h.setProcessingTime(to);
            now = to;
            Instant at = Instant.ofEpochMilli(to);
            List<Executed> fired = helpdesk.executed.subList(before, helpdesk.executed.size());
            List<Long> expected =
                    model.values().stream()
                            .filter(t -> t.nextAttempt != null && !at.isBefore(t.nextAttempt))
                            .map(t -> t.id)
                            .collect(Collectors.toList());
            assertThat(fired)
                    .extracting(e -> e.command().rowId())
                    .as("tickets purge commands were emitted for at %s", at)
                    .containsExactlyInAnyOrderElementsOf(expected);
            for (Executed e : fired) {
                PurgeCommand command = e.command();
                Ticket t = model.get(command.rowId());
                Due due = t.scheduled.orElseThrow();
                assertThat(e.at()).as("when %s ran", command).isEqualTo(to);
                assertThat(at).as("never before the deadline").isAfterOrEqualTo(command.deadline());
                assertThat(new Due(command.ruleId(), command.start(), command.deadline()))
                        .as("the command of ticket %d", t.id)
                        .isEqualTo(due);
                assertThat(command.action())
                        .isEqualTo(POLICY.rule(due.ruleId()).orElseThrow().action());
                if (t.held) {
                    t.nextAttempt = at.plusMillis(RETRY_MS);
                } else {
                    purges[(int) t.id]++;
                    t.exists = false;
                    t.gone = true;
                    t.purged = true;
                    t.scheduled = Optional.empty();
                    t.nextAttempt = null;
                }
            }
        }

        void restart() throws Exception {
            OperatorSubtaskState snapshot = h.snapshot(1, now);
            emitted.addAll(h.extractOutputValues());
            h.close();
            h = open(snapshot);
        }

        /** The schedule mirrored to the executor is the model's. */
        void checkMirroredSchedule() {
            Map<Long, Due> mirrored = new TreeMap<>();
            helpdesk.mirrored.forEach(
                    (entityId, c) ->
                            mirrored.put(c.rowId(), new Due(c.ruleId(), c.start(), c.deadline())));
            Map<Long, Due> expected = new TreeMap<>();
            model.values().forEach(t -> t.scheduled.ifPresent(d -> expected.put(t.id, d)));
            assertThat(mirrored).as("the mirrored schedule").isEqualTo(expected);
        }

        KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome> open(
                OperatorSubtaskState restore) throws Exception {
            var harness =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new KeyedProcessOperator<>(
                                    new TrackRetention(POLICY, () -> helpdesk, RETRY_MS)),
                            (ChangeEvent c) -> EntityId.of(c),
                            Types.STRING);
            harness.setProcessingTime(now);
            if (restore != null) {
                harness.initializeState(restore);
            }
            harness.open();
            helpdesk.clock = harness::getProcessingTime;
            return harness;
        }
    }

    /** A ticket as the model knows it. */
    private static final class Ticket {
        final long id;
        boolean exists;
        boolean gone;
        boolean purged;
        boolean held;
        String status = "open";
        String subject = "subject";
        Instant deletedAt;
        Instant closedAt;

        /** The deadline the model expects the operator to hold for this ticket. */
        Optional<Due> scheduled = Optional.empty();

        /** When the operator must next carry it out: the deadline, then after each retry. */
        Instant nextAttempt;

        Ticket(long id) {
            this.id = id;
        }

        /**
         * The policy, independently: soft deleted → 60 s after deleted_at; closed → 90 s after
         * closed_at; both → the earlier (on a tie the rule listed first); otherwise none.
         */
        Optional<Due> due() {
            if (!exists) {
                return Optional.empty();
            }
            Due softDeleted =
                    deletedAt == null
                            ? null
                            : new Due(
                                    "tickets.soft-deleted",
                                    deletedAt,
                                    deletedAt.plusMillis(SOFT_DELETE_WINDOW_MS));
            Due closed =
                    "closed".equals(status) && closedAt != null
                            ? new Due(
                                    "tickets.closed",
                                    closedAt,
                                    closedAt.plusMillis(CLOSED_WINDOW_MS))
                            : null;
            if (softDeleted == null || closed == null) {
                return Optional.ofNullable(softDeleted != null ? softDeleted : closed);
            }
            return Optional.of(
                    closed.deadline().isBefore(softDeleted.deadline()) ? closed : softDeleted);
        }

        ChangeEvent event(Operation op, boolean postgresText) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("id", Long.toString(id));
            row.put("contact_id", "1");
            row.put("status", status);
            row.put("subject", subject);
            row.put("deleted_at", render(deletedAt, postgresText));
            row.put("closed_at", render(closedAt, postgresText));
            return ChangeEvent.newBuilder()
                    .setTable("tickets")
                    .setKey(Map.of("id", Long.toString(id)))
                    .setOp(op)
                    .setBefore(null)
                    .setAfter(op == Operation.DELETE ? null : new HashMap<>(row))
                    .setSource(
                            SourcePosition.newBuilder()
                                    .setLsn(1)
                                    .setCommitTime(Instant.EPOCH)
                                    .setCaptureTime(Instant.EPOCH)
                                    .setTopic("helpdesk.public.tickets")
                                    .setPartition(0)
                                    .setOffset(1)
                                    .build())
                    .build();
        }

        private static String render(Instant at, boolean postgresText) {
            if (at == null) {
                return null;
            }
            return postgresText ? POSTGRES_TEXT.format(at) : at.toString();
        }
    }

    /** A deadline: the rule, the timestamp it started from and when it is due. */
    record Due(String ruleId, Instant start, Instant deadline) {}

    record Executed(PurgeCommand command, long at) {}

    /**
     * Carries out every command it is given, except for held tickets (a legal hold: retry later);
     * records the schedule the operator mirrors to it.
     */
    private static final class Helpdesk implements PurgeExecutor {
        final List<Executed> executed = new ArrayList<>();
        final Set<Long> held = new HashSet<>();
        final Map<String, PurgeCommand> mirrored = new TreeMap<>();
        LongSupplier clock = () -> 0;

        @Override
        public PurgeOutcome execute(PurgeCommand command) {
            executed.add(new Executed(command, clock.getAsLong()));
            boolean isHeld = held.contains(command.rowId());
            String outcome = isHeld ? PurgeOutcome.SKIPPED : PurgeOutcome.DONE;
            Verdict verdict = isHeld ? Verdict.LEGAL_HOLD : Verdict.ELIGIBLE;
            return new PurgeOutcome(
                    command.commandId(),
                    PurgeOutcome.receiptId(command.commandId(), outcome, verdict),
                    outcome,
                    verdict,
                    verdict.name(),
                    false);
        }

        @Override
        public void scheduled(PurgeCommand command) {
            mirrored.put(command.entityId(), command);
        }

        @Override
        public void unscheduled(String entityId) {
            mirrored.remove(entityId);
        }
    }
}
