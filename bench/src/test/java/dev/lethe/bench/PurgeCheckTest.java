package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.retention.RetentionRule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                        List.of("comments/9", "contacts/5"),
                        Map.of("contacts/5", "DEPENDENT_IN_USE"),
                        Duration.ofSeconds(90));

        assertThat(r.done()).isEqualTo(4);
        assertThat(r.early()).containsExactly("tickets/3");
        assertThat(r.late()).containsExactly("contacts/4");
        assertThat(r.missed()).containsExactly("comments/9");
        assertThat(r.skippedByReason()).containsExactly(Map.entry("DEPENDENT_IN_USE", 1));
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
                        List.of("contacts/5"),
                        Map.of("contacts/5", "DEPENDENT_IN_USE"),
                        Duration.ofSeconds(90));
        assertThat(r.ok()).as("a record the guard left in place is not missed").isTrue();
        assertThat(r.summary()).contains("left in place by the guard: {DEPENDENT_IN_USE=1}");
        assertThat(PurgeCheck.judge(List.of(), List.of(), Map.of(), Duration.ofSeconds(1)).ok())
                .isTrue();
        assertThat(PurgeCheck.reasonCode("DEPENDENT_IN_USE: tickets/1945 is open and not deleted"))
                .isEqualTo("DEPENDENT_IN_USE");
    }

    @Test
    void theBenchsPolicyIsTheShippedSoftDeleteRulesWithItsWindowAndValid(@TempDir Path dir)
            throws Exception {
        Path file = PurgeCheck.writePolicy(dir.resolve("data"), Duration.ofSeconds(30));
        assertThat(file).hasParent(dir.resolve("data"));
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
