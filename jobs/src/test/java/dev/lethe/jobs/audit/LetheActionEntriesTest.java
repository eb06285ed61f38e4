package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.PurgeReceipt;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LetheActionEntriesTest {

    static final Instant EXECUTED = Instant.parse("2025-04-01T02:00:00Z");
    static final Instant RECORDED = Instant.parse("2025-04-01T02:00:01Z");

    static PurgeReceipt ticketDeletedByRetention(long ticket) {
        return PurgeReceipt.newBuilder()
                .setReceiptId("rcpt-" + ticket)
                .setCommandId("cmd-" + ticket)
                .setTable("tickets")
                .setKey(Map.of("id", Long.toString(ticket)))
                .setEntityId("tickets/" + ticket)
                .setSubjectIds(List.of("contact:42"))
                .setAction("delete")
                .setOutcome("done")
                .setReason("retention deadline passed")
                .setPolicyRule("tickets.soft-deleted")
                .setDeadline(EXECUTED.minusSeconds(60))
                .setExecutedAt(EXECUTED)
                .setAttributes(Map.of("rowsAffected", "1"))
                .build();
    }

    static byte[] exportOf(String subject) {
        return ("{\"type\":\"export\",\"subjectId\":\""
                        + subject
                        + "\",\"requestedBy\":\"dpo\",\"reason\":\"Art. 15 request 77\","
                        + "\"at\":\"2025-04-02T10:00:00Z\",\"items\":12,\"mentions\":3,"
                        + "\"files\":[{\"name\":\"export.json\",\"sha256\":\"ab12\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPurgeReceiptJoinsThePurgedRecordsChainWithItsFacts() {
        AuditEntry e =
                LetheActionEntries.ofReceipt(
                        ticketDeletedByRetention(9), "lethe.purge.receipts", 0, 5, RECORDED);
        assertThat(e.getKind()).isEqualTo("purge-receipt");
        assertThat(e.getEntityId()).isEqualTo("tickets/9");
        assertThat(e.getTable()).isEqualTo("tickets");
        assertThat(e.getKey()).containsEntry("id", "9");
        assertThat(e.getOp()).isEqualTo("PURGE");
        assertThat(e.getSubjectIds()).containsExactly("contact:42");
        assertThat(e.getActor().getType()).isEqualTo("lethe-purge");
        assertThat(e.getActor().getId()).isEqualTo("tickets.soft-deleted");
        assertThat(e.getActor().getReason()).isEqualTo("retention deadline passed");
        assertThat(e.getCommitTime()).isEqualTo(EXECUTED);
        assertThat(e.getCaptureTime()).isEqualTo(RECORDED);
        assertThat(e.getAttributes())
                .containsEntry("actionId", "rcpt-9")
                .containsEntry("action", "delete")
                .containsEntry("outcome", "done")
                .containsEntry("policyRule", "tickets.soft-deleted")
                .containsEntry("rowsAffected", "1")
                .doesNotContainKey("requestId");
        assertThat(e.getSourceOffset()).isEqualTo(5L);
        // chainable and hashable like any entry
        e.setLogIndex(0);
        HashChain.Head head = HashChain.append(null, e, new EntryHasher());
        assertThat(head.seq()).isEqualTo(1);
    }

    @Test
    void anErasureReceiptIsAttributedToItsRequest() {
        PurgeReceipt r = ticketDeletedByRetention(9);
        r.setPolicyRule(null);
        r.setDeadline(null);
        r.setRequestId("erasure-3");
        r.setAction("shred-key");
        r.setEntityId("subjects/contact:42");
        AuditEntry e = LetheActionEntries.ofReceipt(r, "t", 0, 1, RECORDED);
        assertThat(e.getEntityId()).isEqualTo(LetheActionEntries.subjectEntity("contact:42"));
        assertThat(e.getActor().getId()).isEqualTo("erasure-3");
        assertThat(e.getAttributes())
                .containsEntry("requestId", "erasure-3")
                .doesNotContainKey("deadline");
    }

    @Test
    void anAccessIsAnEntryOfTheUsersChainNamingEverySubjectItShowed() {
        byte[] record =
                ("{\"type\":\"access\",\"accessId\":\"a-1\",\"user\":\"dana\",\"role\":\"dpo\","
                                + "\"issuer\":\"lethe\",\"purpose\":\"DSAR-2026-0042\",\"action\":\"find\","
                                + "\"subjectIds\":[\"contact:42\",\"contact:7\"],\"results\":2,"
                                + "\"queryKind\":\"email\",\"at\":\"2026-12-06T09:00:00Z\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AuditEntry e =
                LetheActionEntries.ofRequestRecord(record, "lethe.audit.requests", 0, 9, RECORDED);
        assertThat(e.getKind()).isEqualTo("access");
        assertThat(e.getEntityId()).isEqualTo("accesses/dana");
        assertThat(e.getOp()).isEqualTo("READ");
        assertThat(e.getSubjectIds()).containsExactly("contact:42", "contact:7");
        assertThat(e.getActor().getType()).isEqualTo("user");
        assertThat(e.getActor().getId()).isEqualTo("dana");
        assertThat(e.getActor().getReason()).isEqualTo("DSAR-2026-0042");
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2026-12-06T09:00:00Z"));
        assertThat(e.getAttributes())
                .containsEntry("role", "dpo")
                .containsEntry("issuer", "lethe")
                .containsEntry("action", "find")
                .containsEntry("results", "2")
                .containsEntry("queryKind", "email")
                .containsEntry("accessId", "a-1")
                .containsEntry("actionId", LetheActionEntries.sha256(record));
        // a purpose that names someone is withheld, like any operator's reason
        byte[] naming =
                new String(record, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("DSAR-2026-0042", "asked by ada@example.org")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(
                        LetheActionEntries.ofRequestRecord(naming, "t", 0, 10, RECORDED)
                                .getActor()
                                .getReason())
                .doesNotContain("ada@example.org");
        assertThatThrownBy(
                        () ->
                                LetheActionEntries.ofRequestRecord(
                                        new String(record, java.nio.charset.StandardCharsets.UTF_8)
                                                .replace("\"contact:7\"", "\"not a subject\"")
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                        "t",
                                        0,
                                        11,
                                        RECORDED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subjectIds holds something that is not a subject id");
    }

    @Test
    void aBacklogApprovalIsAnEntryOfTheBacklogsChainWithWhoWhyAndCountsPerRule() {
        byte[] record =
                ("{\"type\":\"backlog-approval\",\"adoptedAt\":\"2025-04-01T00:00:00Z\","
                                + "\"approved\":true,\"approvedAt\":\"2025-04-02T10:00:00Z\","
                                + "\"approvedBy\":\"dpo\",\"reason\":\"decision 7\",\"purges\":14,"
                                + "\"byRule\":[{\"table\":\"tickets\",\"rule\":\"tickets.soft-deleted\","
                                + "\"purges\":12},{\"table\":\"threads\",\"rule\":\"threads.soft-deleted\","
                                + "\"purges\":2}],\"at\":\"2025-04-02T10:00:00Z\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AuditEntry e =
                LetheActionEntries.ofRequestRecord(record, "lethe.audit.requests", 0, 4, RECORDED);
        assertThat(e.getKind()).isEqualTo("backlog-approval");
        assertThat(e.getEntityId()).isEqualTo("retention/adoption-backlog");
        assertThat(e.getOp()).isEqualTo("APPROVE");
        assertThat(e.getSubjectIds()).isEmpty();
        assertThat(e.getActor().getType()).isEqualTo("operator");
        assertThat(e.getActor().getId()).isEqualTo("dpo");
        assertThat(e.getActor().getReason()).isEqualTo("decision 7");
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2025-04-02T10:00:00Z"));
        assertThat(e.getAttributes())
                .containsEntry("adoptedAt", "2025-04-01T00:00:00Z")
                .containsEntry("purges", "14")
                .containsEntry("rule.tickets.soft-deleted", "12")
                .containsEntry("rule.threads.soft-deleted", "2")
                .containsEntry("actionId", LetheActionEntries.sha256(record));
        // an export record still reads as an export through the same entry point
        assertThat(
                        LetheActionEntries.ofRequestRecord(
                                        exportOf("contact:42"), "t", 0, 5, RECORDED)
                                .getKind())
                .isEqualTo("export");
        assertThatThrownBy(
                        () ->
                                LetheActionEntries.ofRequestRecord(
                                        "{\"type\":\"backlog-approval\",\"at\":\"x\"}"
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                        "t",
                                        0,
                                        6,
                                        RECORDED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at is not an ISO instant");
    }

    @Test
    void aDeadLetterReplayIsAnEntryOfTheReasonsChainWithWhoHowManyAndWhichPositions() {
        StringBuilder sources = new StringBuilder();
        for (int i = 0; i < LetheActionEntries.REPLAY_SOURCES_LISTED + 2; i++) {
            sources.append(i == 0 ? "" : ",")
                    .append("\"helpdesk.public.contacts/0@")
                    .append(i)
                    .append('"');
        }
        byte[] record =
                ("{\"type\":\"deadletter-replay\",\"deadLetterReason\":\"SCHEMA_CHANGE\","
                                + "\"replayedBy\":\"ops1\",\"note\":\"catalog 0.3 has the table\","
                                + "\"at\":\"2026-12-07T09:00:00Z\",\"count\":53,"
                                + "\"byJob\":{\"audit\":27,\"discovery\":26},"
                                + "\"table\":\"contacts\",\"since\":\"2026-12-06T09:00:00Z\","
                                + "\"sources\":["
                                + sources
                                + "],\"sourcesOmitted\":1,"
                                + "\"firstDeadLetter\":\"lethe.deadletter/0@4\","
                                + "\"lastDeadLetter\":\"lethe.deadletter/0@90\"}")
                        .getBytes(StandardCharsets.UTF_8);
        AuditEntry e =
                LetheActionEntries.ofRequestRecord(record, "lethe.audit.requests", 0, 11, RECORDED);

        assertThat(e.getKind()).isEqualTo("deadletter-replay");
        assertThat(e.getEntityId()).isEqualTo("deadletters/SCHEMA_CHANGE");
        assertThat(e.getTable()).isEqualTo("contacts");
        assertThat(e.getOp()).isEqualTo("REPLAY");
        assertThat(e.getSubjectIds()).isEmpty();
        assertThat(e.getChanges()).isEmpty();
        assertThat(e.getActor().getType()).isEqualTo("operator");
        assertThat(e.getActor().getId()).isEqualTo("ops1");
        assertThat(e.getActor().getReason()).isEqualTo("catalog 0.3 has the table");
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
        assertThat(e.getSourceOffset()).isEqualTo(11L);
        assertThat(e.getAttributes())
                .containsEntry("deadLetterReason", "SCHEMA_CHANGE")
                .containsEntry("count", "53")
                .containsEntry("job.audit", "27")
                .containsEntry("job.discovery", "26")
                .containsEntry("table", "contacts")
                .containsEntry("since", "2026-12-06T09:00:00Z")
                .containsEntry("sourcesOmitted", "3")
                .containsEntry("firstDeadLetter", "lethe.deadletter/0@4")
                .containsEntry("lastDeadLetter", "lethe.deadletter/0@90")
                .containsEntry("actionId", LetheActionEntries.sha256(record));
        assertThat(e.getAttributes().get("sources").split(","))
                .hasSize(LetheActionEntries.REPLAY_SOURCES_LISTED)
                .startsWith("helpdesk.public.contacts/0@0");

        String ok =
                "\"type\":\"deadletter-replay\",\"replayedBy\":\"a\",\"at\":\"2026-12-07T09:00:00Z\"";
        for (String bad :
                List.of(
                        "{" + ok + ",\"deadLetterReason\":\"anna@example.eu\",\"count\":1}",
                        "{" + ok + ",\"deadLetterReason\":\"X\"}",
                        "{"
                                + ok
                                + ",\"deadLetterReason\":\"X\",\"count\":1,"
                                + "\"sources\":[\"anna@example.eu\"]}",
                        "{"
                                + ok
                                + ",\"deadLetterReason\":\"X\",\"count\":1,"
                                + "\"table\":\"anna@example.eu\"}",
                        "{"
                                + ok
                                + ",\"deadLetterReason\":\"X\",\"count\":1,"
                                + "\"byJob\":{\"anna@example.eu\":1}}")) {
            assertThatThrownBy(
                            () ->
                                    LetheActionEntries.ofRequestRecord(
                                            bad.getBytes(StandardCharsets.UTF_8),
                                            "t",
                                            0,
                                            10,
                                            RECORDED))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("anna");
        }
    }

    @Test
    void aClassificationIsAnEntryOfTheColumnsChainWithWhoWhatAndWhen() {
        byte[] record =
                ("{\"type\":\"classification\",\"table\":\"contacts\",\"column\":\"nickname\","
                                + "\"category\":\"name\",\"personal\":true,\"classifiedBy\":\"dpo1\","
                                + "\"note\":\"ticket 88\",\"at\":\"2026-12-06T10:00:00Z\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AuditEntry e =
                LetheActionEntries.ofRequestRecord(record, "lethe.audit.requests", 0, 9, RECORDED);
        assertThat(e.getKind()).isEqualTo("classification");
        assertThat(e.getEntityId()).isEqualTo("catalog/contacts.nickname");
        assertThat(e.getTable()).isEqualTo("contacts");
        assertThat(e.getOp()).isEqualTo("CLASSIFY");
        assertThat(e.getSubjectIds()).isEmpty();
        assertThat(e.getChanges()).isEmpty();
        assertThat(e.getActor().getType()).isEqualTo("operator");
        assertThat(e.getActor().getId()).isEqualTo("dpo1");
        assertThat(e.getActor().getReason()).isEqualTo("ticket 88");
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(e.getAttributes())
                .containsEntry("table", "contacts")
                .containsEntry("column", "nickname")
                .containsEntry("category", "name")
                .containsEntry("personal", "true")
                .containsEntry("actionId", LetheActionEntries.sha256(record));

        for (String bad :
                List.of(
                        "{\"type\":\"classification\",\"table\":\"contacts\",\"column\":\"x;y\","
                                + "\"category\":\"name\",\"personal\":true,\"classifiedBy\":\"a\","
                                + "\"at\":\"2026-12-06T10:00:00Z\"}",
                        "{\"type\":\"classification\",\"table\":\"contacts\",\"column\":\"x\","
                                + "\"category\":\"secret\",\"personal\":true,\"classifiedBy\":\"a\","
                                + "\"at\":\"2026-12-06T10:00:00Z\"}",
                        "{\"type\":\"classification\",\"table\":\"contacts\",\"column\":\"x\","
                                + "\"category\":\"name\",\"personal\":\"yes\",\"classifiedBy\":\"a\","
                                + "\"at\":\"2026-12-06T10:00:00Z\"}")) {
            assertThatThrownBy(
                            () ->
                                    LetheActionEntries.ofRequestRecord(
                                            bad.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                            "t",
                                            0,
                                            10,
                                            RECORDED))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("x;y")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void anExportJoinsTheSubjectsChainWithCountsAndFileHashes() {
        byte[] record = exportOf("contact:42");
        AuditEntry e =
                LetheActionEntries.ofExportRecord(record, "lethe.audit.requests", 0, 3, RECORDED);
        assertThat(e.getKind()).isEqualTo("export");
        assertThat(e.getEntityId()).isEqualTo("subjects/contact:42");
        assertThat(e.getOp()).isEqualTo("EXPORT");
        assertThat(e.getSubjectIds()).containsExactly("contact:42");
        assertThat(e.getActor().getType()).isEqualTo("operator");
        assertThat(e.getActor().getId()).isEqualTo("dpo");
        assertThat(e.getActor().getReason()).isEqualTo("Art. 15 request 77");
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2025-04-02T10:00:00Z"));
        assertThat(e.getAttributes())
                .containsEntry("items", "12")
                .containsEntry("mentions", "3")
                .containsEntry("file.export.json", "ab12")
                .containsEntry("actionId", LetheActionEntries.sha256(record));
        // the same record replayed has the same action id; another export a different one
        assertThat(
                        LetheActionEntries.ofExportRecord(record, "t", 0, 9, RECORDED)
                                .getAttributes()
                                .get("actionId"))
                .isEqualTo(e.getAttributes().get("actionId"));
        assertThat(
                        LetheActionEntries.ofExportRecord(
                                        exportOf("contact:43"), "t", 0, 9, RECORDED)
                                .getAttributes()
                                .get("actionId"))
                .isNotEqualTo(e.getAttributes().get("actionId"));
    }

    @Test
    void anIdentifierInAnActionsRequesterOrReasonIsWithheld() {
        byte[] record =
                ("{\"type\":\"export\",\"subjectId\":\"contact:42\","
                                + "\"requestedBy\":\"dpo.anna@example.eu\","
                                + "\"reason\":\"mail of erika@example.eu\","
                                + "\"at\":\"2025-04-02T10:00:00Z\",\"items\":1,\"mentions\":0,"
                                + "\"files\":[]}")
                        .getBytes(StandardCharsets.UTF_8);

        AuditEntry e = LetheActionEntries.ofExportRecord(record, "t", 0, 1, RECORDED);

        assertThat(e.getActor().getId()).isEqualTo(PersonalDataInText.WITHHELD);
        assertThat(e.getActor().getReason()).isEqualTo(PersonalDataInText.WITHHELD);
        assertThat(e.toString()).doesNotContain("anna", "erika");
    }

    @Test
    void unreadableExportRecordsAreRejectedNamingTheFieldNotTheValue() {
        assertThatThrownBy(
                        () ->
                                LetheActionEntries.ofExportRecord(
                                        "{x".getBytes(StandardCharsets.UTF_8), "t", 0, 1, RECORDED))
                .hasMessage("not JSON");
        assertThatThrownBy(
                        () ->
                                LetheActionEntries.ofExportRecord(
                                        exportOf("anna@example.eu"), "t", 0, 1, RECORDED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subjectId is not a subject id");
    }
}
