package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.PurgeGuard.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The purge guard on random rows: for the shipped rules {@code tickets.soft-deleted} (60 days after
 * {@code deleted_at}) and {@code tickets.closed} (6 calendar years after {@code closed_at}, while
 * {@code status} is {@code closed}), whatever the row looks like now, when it is asked and whether
 * it is held, the verdict is the model's: gone, restored, no longer applies, changed, not due, held
 * or eligible, in that order of precedence. The same instant in another rendering (PostgreSQL's
 * text form, another offset) is the same start. Reasons never quote a value.
 */
class PurgeGuardPropertiesTest {

    private static final RetentionPolicy POLICY =
            RetentionPolicy.loadDefault(PersonalDataCatalog.loadDefault());
    private static final RetentionRule SOFT_DELETED =
            POLICY.rule("tickets.soft-deleted").orElseThrow();
    private static final RetentionRule CLOSED = POLICY.rule("tickets.closed").orElseThrow();

    private static final DateTimeFormatter POSTGRES_TEXT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC);
    private static final String PERSONAL = "Jane Q. Secret";

    /** How the rule's {@code since} column looks now, against the start the purge was scheduled. */
    enum Since {
        ABSENT,
        SAME,
        SAME_IN_POSTGRES_TEXT,
        SAME_AT_ANOTHER_OFFSET,
        LATER,
        EARLIER
    }

    @Property(tries = 2000)
    void theVerdictIsTheModels(
            @ForAll boolean closedRule,
            @ForAll boolean rowExists,
            @ForAll Since since,
            @ForAll boolean statusClosed,
            @ForAll @LongRange(min = 946_684_800L, max = 1_893_456_000L) long startSeconds,
            @ForAll @IntRange(min = 0, max = 999_999) int startMicros,
            @ForAll @LongRange(min = 1, max = 864_000_000_000L) long shiftMicros,
            @ForAll @LongRange(min = -864_000_000_000L, max = 864_000_000_000L) long nowMicros,
            @ForAll boolean nowAtTheBoundary,
            @ForAll boolean held) {
        RetentionRule rule = closedRule ? CLOSED : SOFT_DELETED;
        Instant start = Instant.ofEpochSecond(startSeconds, startMicros * 1_000L);
        Instant deadline =
                closedRule
                        ? start.atZone(ZoneOffset.UTC).plusYears(6).toInstant()
                        : start.plus(Duration.ofDays(60));
        // around the deadline: up to 10 days either side, or within a microsecond of it
        Instant now =
                deadline.plus(
                        Duration.ofNanos(
                                1_000L * (nowAtTheBoundary ? Long.signum(nowMicros) : nowMicros)));

        Map<String, String> row = null;
        if (rowExists) {
            row = new HashMap<>();
            row.put("id", "7");
            row.put("subject", PERSONAL);
            row.put("status", statusClosed ? "closed" : "open");
            row.put(rule.since(), render(since, start, shiftMicros));
        }
        Optional<LegalHold> hold =
                held ? Optional.of(LegalHold.onRecord("tickets/7", "case 17")) : Optional.empty();

        PurgeGuard.Decision decision = PurgeGuard.retention(rule, start, row, now, hold);

        Verdict expected;
        if (!rowExists) {
            expected = Verdict.GONE;
        } else if (since == Since.ABSENT) {
            expected = Verdict.RESTORED;
        } else if (closedRule && !statusClosed) {
            expected = Verdict.NO_LONGER_APPLIES;
        } else if (since == Since.LATER || since == Since.EARLIER) {
            expected = Verdict.CHANGED;
        } else if (now.isBefore(deadline)) {
            expected = Verdict.NOT_DUE;
        } else if (held) {
            expected = Verdict.LEGAL_HOLD;
        } else {
            expected = Verdict.ELIGIBLE;
        }
        assertThat(decision.verdict()).as(decision.reason()).isEqualTo(expected);
        assertThat(decision.eligible()).isEqualTo(expected == Verdict.ELIGIBLE);
        assertThat(decision.verdict().retryLater())
                .as("only a purge not yet due or held is retried")
                .isEqualTo(expected == Verdict.NOT_DUE || expected == Verdict.LEGAL_HOLD);
        assertThat(decision.reason()).doesNotContain(PERSONAL);
        if (row != null && row.get(rule.since()) != null) {
            assertThat(decision.reason()).doesNotContain(row.get(rule.since()));
        }
    }

    private static String render(Since since, Instant start, long shiftMicros) {
        Duration shift = Duration.ofNanos(shiftMicros * 1_000L);
        switch (since) {
            case ABSENT:
                return null;
            case SAME:
                return start.toString();
            case SAME_IN_POSTGRES_TEXT:
                return POSTGRES_TEXT.format(start);
            case SAME_AT_ANOTHER_OFFSET:
                return start.atOffset(ZoneOffset.ofHours(-5)).toString();
            case LATER:
                return start.plus(shift).toString();
            default:
                return start.minus(shift).toString();
        }
    }
}
