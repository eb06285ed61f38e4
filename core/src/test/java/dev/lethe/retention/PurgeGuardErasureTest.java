package dev.lethe.retention;

import static dev.lethe.retention.RetentionPolicyTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.PurgeGuard.Decision;
import dev.lethe.retention.PurgeGuard.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link PurgeGuard#erasure}: the check before an erasure request (Art. 17) deletes a row. Unlike a
 * retention purge it does not depend on the row's state, only on its existence and holds.
 */
class PurgeGuardErasureTest {

    private static final Map<String, String> CONTACT =
            row("id", "4", "email", "anna.berg@example.eu", "deleted_at", null);

    @Test
    void anExistingRowWithoutAHoldIsErasedWhateverItsState() {
        for (Map<String, String> current :
                List.of(
                        CONTACT,
                        row("id", "7", "deleted_at", "2025-01-01T00:00:00Z"),
                        row("id", "8", "status", "open", "closed_at", null),
                        Map.<String, String>of())) {
            Decision decision = PurgeGuard.erasure(current, Optional.empty());

            assertThat(decision.verdict()).as("%s", current).isEqualTo(Verdict.ELIGIBLE);
            assertThat(decision.eligible()).isTrue();
            assertThat(decision.reason()).isEqualTo("erasure request (Art. 17)");
        }
    }

    @Test
    void aRowThatIsGoneIsNotErasedAndNotTriedAgain() {
        Decision decision = PurgeGuard.erasure(null, Optional.empty());

        assertThat(decision.verdict()).isEqualTo(Verdict.GONE);
        assertThat(decision.eligible()).isFalse();
        assertThat(decision.verdict().retryLater()).isFalse();
        assertThat(decision.reason()).startsWith("GONE:");
    }

    @Test
    void aHeldRowIsSuspendedNamingTheHoldAndTriedAgainLater() {
        Decision onSubject =
                PurgeGuard.erasure(
                        CONTACT, Optional.of(LegalHold.onSubject("contact:4", "case 17")));
        Decision onRecord =
                PurgeGuard.erasure(
                        CONTACT, Optional.of(LegalHold.onRecord("contacts/4", "tax audit 2025")));

        assertThat(onSubject.verdict()).isEqualTo(Verdict.LEGAL_HOLD);
        assertThat(onSubject.eligible()).isFalse();
        assertThat(onSubject.verdict().retryLater()).isTrue();
        assertThat(onSubject.reason()).isEqualTo("LEGAL_HOLD: subject contact:4: case 17");
        assertThat(onRecord.verdict()).isEqualTo(Verdict.LEGAL_HOLD);
        assertThat(onRecord.reason()).isEqualTo("LEGAL_HOLD: record contacts/4: tax audit 2025");
    }

    @Test
    void aRowThatIsGoneIsGoneEvenUnderAHold() {
        Decision decision =
                PurgeGuard.erasure(null, Optional.of(LegalHold.onSubject("contact:4", "case 17")));

        assertThat(decision.verdict()).isEqualTo(Verdict.GONE);
    }

    @Test
    void theReasonNeverQuotesTheRowsValues() {
        for (Optional<LegalHold> hold :
                List.of(
                        Optional.<LegalHold>empty(),
                        Optional.of(LegalHold.onSubject("contact:4", "case 17")))) {
            assertThat(PurgeGuard.erasure(CONTACT, hold).reason())
                    .doesNotContain("anna.berg@example.eu")
                    .doesNotContain("anna");
        }
    }
}
