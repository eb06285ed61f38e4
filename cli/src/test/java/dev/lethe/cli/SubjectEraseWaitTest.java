package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.purge.ErasureProcessor;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When {@code subject erase --wait} stops waiting, and who a break-glass request names. */
class SubjectEraseWaitTest {

    @Test
    void aCarriedOutRequestEndsTheWaitWithZero() {
        assertThat(SubjectEraseCommand.waitOutcome(ErasureProcessor.DONE)).contains(0);
    }

    @Test
    void aRequestNobodyWillCarryOutWithoutActingEndsTheWaitWithOne() {
        for (String state :
                new String[] {
                    ErasureProcessor.BLOCKED,
                    ErasureProcessor.FAILING,
                    ErasureProcessor.REFUSED,
                    ErasureProcessor.REJECTED
                }) {
            assertThat(SubjectEraseCommand.waitOutcome(state)).as(state).contains(1);
        }
    }

    @Test
    void aRequestThatMayStillBeCarriedOutIsWaitedFor() {
        for (String state :
                new String[] {ErasureProcessor.PENDING, ErasureProcessor.AWAITING_APPROVAL, null}) {
            assertThat(SubjectEraseCommand.waitOutcome(state))
                    .as(String.valueOf(state))
                    .isEqualTo(Optional.empty());
        }
    }

    @Test
    void aBreakGlassRequestIsRequestedByTheOperatingSystemUserMarkedAsBreakGlass() {
        assertThat(new BreakGlass().who())
                .isEqualTo("break-glass:" + System.getProperty("user.name"));
    }
}
