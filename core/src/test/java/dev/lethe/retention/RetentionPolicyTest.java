package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.PersonalDataCatalog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    static RetentionPolicy policy(String yaml) {
        return RetentionPolicy.load(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test", CATALOG);
    }

    static Map<String, String> row(String... columnsAndValues) {
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put(columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    @Test
    void theShippedPolicyIsValidAndPurgesSoftDeletedTicketsAfter60Days() {
        RetentionPolicy policy = RetentionPolicy.loadDefault(CATALOG);
        var due = policy.due("tickets", row("id", "7", "deleted_at", "2025-01-01T10:00:00.5Z"));
        assertThat(due).isPresent();
        assertThat(due.get().rule().id()).isEqualTo("tickets.soft-deleted");
        assertThat(due.get().deadline()).isEqualTo(Instant.parse("2025-03-02T10:00:00.5Z"));
        assertThat(policy.erasureDeadline().after(Instant.parse("2025-01-31T00:00:00Z")))
                .isEqualTo(Instant.parse("2025-02-28T00:00:00Z"));
    }

    /** One rule: soft-deleted tickets go 5 s after {@code deleted_at}. */
    private static final String ONE_RULE =
            "rules:\n  - {id: t, table: tickets, since: deleted_at, after: 5s, action: delete}\n";

    /** Loading {@code yaml} fails with one problem, which names each of {@code fragments}. */
    private static void assertTheOneProblem(String yaml, String... fragments) {
        assertThatThrownBy(() -> policy(yaml))
                .isInstanceOfSatisfying(
                        RetentionPolicyException.class,
                        e -> {
                            var problem = assertThat(e.problems()).singleElement().asString();
                            for (String fragment : fragments) {
                                problem.contains(fragment);
                            }
                        });
    }

    @Test
    void theAdoptionBacklogIsHeldUnlessThePolicySaysPurgeImmediately() {
        assertThat(RetentionPolicy.loadDefault(CATALOG).adoption())
                .isEqualTo(RetentionPolicy.Adoption.HOLD_BACKLOG);
        assertThat(policy("version: 1\n" + ONE_RULE).adoption())
                .isEqualTo(RetentionPolicy.Adoption.HOLD_BACKLOG);
        assertThat(policy("version: 1\nadoption: purge-immediately\n" + ONE_RULE).adoption())
                .isEqualTo(RetentionPolicy.Adoption.PURGE_IMMEDIATELY);
        assertTheOneProblem(
                "version: 1\nadoption: yes-please\n" + ONE_RULE,
                "adoption must be hold-backlog",
                "'yes-please'");
    }

    @Test
    void fourEyesErasureIsOnlyWhenThePolicySaysSo() {
        assertThat(RetentionPolicy.loadDefault(CATALOG).erasureApproval())
                .isEqualTo(RetentionPolicy.ErasureApproval.SINGLE);
        assertThat(
                        policy("version: 1\nerasure: {approval: four-eyes}\n" + ONE_RULE)
                                .erasureApproval())
                .isEqualTo(RetentionPolicy.ErasureApproval.FOUR_EYES);
        assertTheOneProblem(
                "version: 1\nerasure: {approval: two}\n" + ONE_RULE,
                "erasure.approval must be single",
                "'two'");
        assertThatThrownBy(() -> policy("version: 1\nerasure: {aproval: four-eyes}\n" + ONE_RULE))
                .isInstanceOf(RetentionPolicyException.class)
                .hasMessageContaining("aproval");
    }

    @Test
    void aRowThatIsNotDeletedIsNotDue() {
        RetentionPolicy policy = RetentionPolicy.loadDefault(CATALOG);
        assertThat(policy.due("tickets", row("id", "7", "status", "open"))).isEmpty();
    }

    @Test
    void theEarliestApplicableRuleWins() {
        RetentionPolicy policy = RetentionPolicy.loadDefault(CATALOG);
        var due =
                policy.due(
                        "tickets",
                        row(
                                "status", "closed",
                                "closed_at", "2019-01-01T00:00:00Z",
                                "deleted_at", "2025-01-01T00:00:00Z"));
        assertThat(due.get().rule().id()).isEqualTo("tickets.closed");
        assertThat(due.get().deadline()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void secondsWindowsForTests() {
        RetentionPolicy policy = policy("version: 1\n" + ONE_RULE);
        assertThat(
                        policy.due("tickets", row("deleted_at", "2025-01-01 00:00:00+00"))
                                .get()
                                .deadline())
                .isEqualTo(Instant.parse("2025-01-01T00:00:05Z"));
    }

    @Test
    void everyProblemIsReportedAtOnceNamingRuleAndColumn() {
        String yaml =
                "version: 1\n"
                        + "rules:\n"
                        + "  - {id: a, table: invoices, since: deleted_at, after: 5s, action: delete}\n"
                        + "  - {id: b, table: tickets, since: removed_at, after: 5s, action: delete}\n"
                        + "  - {id: c, table: tickets, since: deleted_at, after: soon, action: delete}\n"
                        + "  - {id: d, table: tickets, since: subject, after: 5s, action: delete}\n"
                        + "  - {id: e, table: tickets, since: deleted_at, after: 5s, action: shred}\n"
                        + "  - {id: f, table: tickets, since: deleted_at, after: 5s, action: anonymize,"
                        + " anonymize: {secret: null, subject: scramble}}\n"
                        + "holds:\n  - {subject: contact:1}\n";
        assertThatThrownBy(() -> policy(yaml))
                .isInstanceOfSatisfying(
                        RetentionPolicyException.class,
                        e ->
                                assertThat(e.problems())
                                        .anyMatch(
                                                p -> p.contains("rule a") && p.contains("invoices"))
                                        .anyMatch(p -> p.contains("tickets.removed_at"))
                                        .anyMatch(p -> p.contains("rule c") && p.contains("'soon'"))
                                        .anyMatch(
                                                p ->
                                                        p.contains(
                                                                "tickets.subject is not a timestamp"))
                                        .anyMatch(p -> p.contains("rule e: action"))
                                        .anyMatch(p -> p.contains("tickets.secret"))
                                        .anyMatch(p -> p.contains("anonymize subject: method"))
                                        .anyMatch(p -> p.contains("hold #1")));
    }

    @Test
    void holdsCoverTheirSubjectOrRecord() {
        RetentionPolicy policy =
                policy(
                        "version: 1\nrules: []\nholds:\n"
                                + "  - {subject: 'contact:1', reason: case 17}\n"
                                + "  - {record: tickets/9, reason: case 18}\n");
        assertThat(policy.holdOn("tickets/3", java.util.List.of("contact:1")).get().reason())
                .isEqualTo("case 17");
        assertThat(policy.holdOn("tickets/9", java.util.List.of("contact:2")).get().reason())
                .isEqualTo("case 18");
        assertThat(policy.holdOn("tickets/3", java.util.List.of("contact:2"))).isEmpty();
    }

    @Test
    void periodsInBothNotations() {
        assertThat(RetentionPeriod.parse("60d").after(Instant.parse("2025-01-01T00:00:00Z")))
                .isEqualTo(Instant.parse("2025-03-02T00:00:00Z"));
        assertThat(RetentionPeriod.parse("P1DT2S").after(Instant.parse("2025-01-01T00:00:00Z")))
                .isEqualTo(Instant.parse("2025-01-02T00:00:02Z"));
        assertThat(RetentionPeriod.parse("2y").after(Instant.parse("2024-02-29T00:00:00Z")))
                .isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));
        assertThatThrownBy(() -> RetentionPeriod.parse("P")).hasMessageContaining("'P'");
    }

    @Test
    void contactsCanBeAnonymizedWithTheirEmailReplacedByAPlaceholderOnly() {
        RetentionPolicy ok =
                policy(
                        "version: 1\nrules:\n"
                                + "  - {id: contacts.soft-deleted, table: contacts, since: deleted_at,"
                                + " after: 60d, action: anonymize, anonymize: {email: placeholder,"
                                + " first_name: redacted, phone: null}}\n");
        assertThat(ok.rule("contacts.soft-deleted").orElseThrow().anonymize())
                .containsEntry("email", AnonymizeMethod.PLACEHOLDER)
                .containsEntry("first_name", AnonymizeMethod.REDACTED)
                .containsEntry("phone", AnonymizeMethod.NULL);

        for (String method : new String[] {"redacted", "null"}) {
            assertThatThrownBy(
                            () ->
                                    policy(
                                            "version: 1\nrules:\n"
                                                    + "  - {id: contacts.gone, table: contacts,"
                                                    + " since: deleted_at, after: 60d, action:"
                                                    + " anonymize, anonymize: {email: "
                                                    + method
                                                    + "}}\n"))
                    .isInstanceOf(RetentionPolicyException.class)
                    .hasMessageContaining(
                            "rule contacts.gone: anonymize contacts.email: an identifying email"
                                    + " must be replaced by placeholder, got "
                                    + method);
        }
    }
}
