package dev.lethe.retention;

import static dev.lethe.retention.RetentionPolicyTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.PurgeGuard.Verdict;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PurgeGuardTest {

    private static final RetentionRule SOFT_DELETED_TICKET =
            RetentionPolicy.loadDefault(PersonalDataCatalog.loadDefault())
                    .rule("tickets.soft-deleted")
                    .orElseThrow();
    private static final String DELETED_AT = "2025-01-01T00:00:00.123456Z";
    private static final Instant START = Instant.parse(DELETED_AT);
    private static final Instant AFTER_WINDOW = Instant.parse("2025-03-03T00:00:00Z");

    private static Verdict verdict(java.util.Map<String, String> now, Instant at) {
        return PurgeGuard.retention(SOFT_DELETED_TICKET, START, now, at, Optional.empty())
                .verdict();
    }

    @Test
    void stillSoftDeletedWithTheSameTimeAfterTheWindowIsEligible() {
        assertThat(verdict(row("id", "1", "deleted_at", DELETED_AT), AFTER_WINDOW))
                .isEqualTo(Verdict.ELIGIBLE);
        // the database's text form of the same instant is the same start
        assertThat(verdict(row("deleted_at", "2025-01-01 00:00:00.123456+00"), AFTER_WINDOW))
                .isEqualTo(Verdict.ELIGIBLE);
    }

    @Test
    void restoredChangedGoneAndEarlyRowsAreNotPurged() {
        assertThat(verdict(row("id", "1"), AFTER_WINDOW)).isEqualTo(Verdict.RESTORED);
        assertThat(verdict(row("deleted_at", "2025-02-01T00:00:00Z"), AFTER_WINDOW))
                .isEqualTo(Verdict.CHANGED);
        assertThat(verdict(null, AFTER_WINDOW)).isEqualTo(Verdict.GONE);
        assertThat(verdict(row("deleted_at", DELETED_AT), Instant.parse("2025-03-01T00:00:00Z")))
                .isEqualTo(Verdict.NOT_DUE);
    }

    @Test
    void aHeldRowIsSkippedWithTheHoldsReason() {
        var decision =
                PurgeGuard.retention(
                        SOFT_DELETED_TICKET,
                        START,
                        row("deleted_at", DELETED_AT),
                        AFTER_WINDOW,
                        Optional.of(LegalHold.onSubject("contact:4", "case 17")));
        assertThat(decision.verdict()).isEqualTo(Verdict.LEGAL_HOLD);
        assertThat(decision.reason()).contains("contact:4").contains("case 17");
        assertThat(decision.verdict().retryLater()).isTrue();
    }
}
