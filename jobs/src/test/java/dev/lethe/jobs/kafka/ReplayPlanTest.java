package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    private static final Instant T0 = Instant.parse("2025-03-02T08:00:00Z");
    private static final String DLQ = "lethe.deadletter";

    private static ReplayPlan.Letter letter(
            long at, String job, String reason, String table, long sourceOffset, Instant failed) {
        return new ReplayPlan.Letter(
                DLQ,
                0,
                at,
                new DeadLetter(
                        job,
                        reason,
                        "detail",
                        "helpdesk.public." + table,
                        0,
                        sourceOffset,
                        ByteBuffer.wrap(new byte[] {1}),
                        ByteBuffer.wrap(new byte[] {'{', '}'}),
                        failed));
    }

    private static ReplayPlan.Letter audit(long at, String table, long sourceOffset) {
        return letter(at, "audit/normalize", "SCHEMA_CHANGE", table, sourceOffset, T0);
    }

    private static ReplayPlan plan(
            List<ReplayPlan.Letter> letters, List<ReplayPlan.Made> made, String table) {
        return ReplayPlan.of(
                letters, made, new ReplayPlan.Selection("SCHEMA_CHANGE", null, table), "helpdesk");
    }

    private static List<String> positions(ReplayPlan p) {
        return p.replay().stream().map(ReplayPlan.Letter::position).toList();
    }

    @Test
    void theMatchingReplayableLettersInTheTopicsOrder() {
        ReplayPlan.Letter noValue = audit(4, "contacts", 40);
        noValue.letter().setRawValue(null);
        List<ReplayPlan.Letter> letters =
                List.of(
                        audit(3, "contacts", 30),
                        audit(1, "tickets", 10),
                        letter(2, "audit/normalize", "MALFORMED_JSON", "contacts", 20, T0),
                        noValue,
                        letter(5, "audit/index", "SCHEMA_CHANGE", "contacts", 50, T0));

        ReplayPlan all = plan(letters, List.of(), null);
        assertThat(positions(all)).containsExactly("lethe.deadletter/0@1", "lethe.deadletter/0@3");
        assertThat(all.notReplayable()).isEqualTo(2);

        ReplayPlan contacts = plan(letters, List.of(), "contacts");
        assertThat(positions(contacts)).containsExactly("lethe.deadletter/0@3");

        ReplayPlan recent =
                ReplayPlan.of(
                        List.of(
                                letter(6, "audit/normalize", "SCHEMA_CHANGE", "x", 1, T0),
                                letter(
                                        7,
                                        "audit/normalize",
                                        "SCHEMA_CHANGE",
                                        "x",
                                        2,
                                        T0.plus(Duration.ofHours(2)))),
                        List.of(),
                        new ReplayPlan.Selection(
                                "SCHEMA_CHANGE", T0.plus(Duration.ofHours(1)), null),
                        "helpdesk");
        assertThat(positions(recent)).containsExactly("lethe.deadletter/0@7");
    }

    @Test
    void aLetterIsReplayedOnceAndTheFailureOfItsReplayIsReplayableAgain() {
        List<ReplayPlan.Letter> letters =
                List.of(
                        audit(1, "contacts", 10),
                        // the same record rejected again before the replay (a restored job)
                        audit(2, "contacts", 10),
                        // the same record rejected by discovery: a replay of its own
                        letter(3, "discovery/normalize", "SCHEMA_CHANGE", "contacts", 10, T0));
        ReplayPlan first = plan(letters, List.of(), null);
        assertThat(positions(first))
                .containsExactly("lethe.deadletter/0@1", "lethe.deadletter/0@3");
        assertThat(first.duplicates()).isEqualTo(1);

        Instant replayedAt = T0.plus(Duration.ofMinutes(5));
        List<ReplayPlan.Made> made =
                first.replay().stream()
                        .map(
                                l ->
                                        new ReplayPlan.Made(
                                                l.position(),
                                                Replays.target(l.letter().getJob()).orElseThrow(),
                                                l.source(),
                                                replayedAt))
                        .toList();
        ReplayPlan second = plan(letters, made, null);
        assertThat(second.replay()).isEmpty();
        assertThat(second.alreadyReplayed()).isEqualTo(3);

        // the replay failed again: a new letter, written after the replay, replayable
        List<ReplayPlan.Letter> withFailure =
                List.of(
                        letters.get(0),
                        letters.get(1),
                        letters.get(2),
                        letter(
                                9,
                                "audit/normalize",
                                "SCHEMA_CHANGE",
                                "contacts",
                                10,
                                replayedAt.plusSeconds(1)));
        ReplayPlan third = plan(withFailure, made, null);
        assertThat(positions(third)).containsExactly("lethe.deadletter/0@9");
        assertThat(third.alreadyReplayed()).isEqualTo(3);
    }
}
