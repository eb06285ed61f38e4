package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.retention.RetentionRule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PurgeCheckTest {

    private static final Instant DEADLINE = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aPurgeBeforeItsDeadlineIsEarlyOneAfterTheBoundLateAndTheMissedAreNamed() {
        PurgeCheck.Result r =
                PurgeCheck.judge(
                        List.of(
                                new PurgeCheck.Receipt("tickets/1", DEADLINE, DEADLINE),
                                new PurgeCheck.Receipt(
                                        "tickets/2", DEADLINE, DEADLINE.plusSeconds(4)),
                                new PurgeCheck.Receipt(
                                        "tickets/3", DEADLINE, DEADLINE.minusMillis(1)),
                                new PurgeCheck.Receipt(
                                        "contacts/4", DEADLINE, DEADLINE.plusSeconds(91))),
                        List.of("comments/9"),
                        Duration.ofSeconds(90));

        assertThat(r.done()).isEqualTo(4);
        assertThat(r.early()).containsExactly("tickets/3");
        assertThat(r.late()).containsExactly("contacts/4");
        assertThat(r.missed()).containsExactly("comments/9");
        assertThat(r.lateness50()).isEqualTo(Duration.ofSeconds(4));
        assertThat(r.latenessMax()).isEqualTo(Duration.ofSeconds(91));
        assertThat(r.ok()).isFalse();
        assertThat(r.summary()).contains("1 early (e.g. tickets/3)", "1 late (e.g. contacts/4)");
    }

    @Test
    void purgesWithinTheirBoundAndNothingLeftPass() {
        PurgeCheck.Result r =
                PurgeCheck.judge(
                        List.of(
                                new PurgeCheck.Receipt(
                                        "tickets/1", DEADLINE, DEADLINE.plusSeconds(90))),
                        List.of(),
                        Duration.ofSeconds(90));
        assertThat(r.ok()).isTrue();
        assertThat(PurgeCheck.judge(List.of(), List.of(), Duration.ofSeconds(1)).ok()).isTrue();
    }

    @Test
    void theBenchsPolicyIsTheShippedSoftDeleteRulesWithItsWindowAndValid() throws Exception {
        Path file = PurgeCheck.writePolicy(Duration.ofSeconds(30));
        RetentionPolicy policy = RetentionPolicy.load(file, PersonalDataCatalog.loadDefault());
        assertThat(policy.rules())
                .extracting(RetentionRule::table)
                .containsExactlyElementsOf(PurgeCheck.SOFT_DELETE_TABLES);
        assertThat(policy.rules())
                .allSatisfy(
                        rule -> {
                            assertThat(rule.since()).isEqualTo("deleted_at");
                            assertThat(rule.after().after(DEADLINE))
                                    .isEqualTo(DEADLINE.plusSeconds(30));
                        });
    }
}
