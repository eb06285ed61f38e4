package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.changes.ActorSeen;
import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.keys.MasterKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Intent-named test data for the audit operators. */
final class AuditTestData {

    static final long T0 = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();

    /** A fixed master key (32 zero bytes) to seal operator state with, as a job would open one. */
    static final MasterKeys STATE_KEYS =
            () -> {
                MasterKey key = MasterKey.of(new byte[MasterKey.LENGTH_BYTES]);
                return () -> key;
            };

    private AuditTestData() {}

    /** A draft (as the protect step makes it) of a change of {@code entityId} at {@code lsn}. */
    static AuditEntry draft(String entityId, long lsn, long commitMillis, Long txId) {
        String table = entityId.substring(0, entityId.indexOf('/'));
        String id = entityId.substring(entityId.indexOf('/') + 1);
        return AuditEntry.newBuilder()
                .setLogIndex(-1)
                .setEntityId(entityId)
                .setTable(table)
                .setKey(Map.of("id", id))
                .setSeq(0)
                .setOp("UPDATE")
                .setChanges(List.of())
                .setActor(AuditDrafts.unknownActor())
                .setCommitTime(Instant.ofEpochMilli(commitMillis))
                .setCaptureTime(Instant.ofEpochMilli(commitMillis + 5))
                .setLsn(lsn)
                .setTxId(txId)
                .setSourceTopic("helpdesk.public." + table)
                .setSourcePartition(0)
                .setSourceOffset(lsn)
                .setPrevHash(java.nio.ByteBuffer.allocate(0))
                .setHash(java.nio.ByteBuffer.allocate(0))
                .build();
    }

    static ActorSeen agent(long txId, long commitMillis, String agentId, String reason) {
        return new ActorSeen(txId, 1, commitMillis, "agent", agentId, reason);
    }

    static ChangeEvent contactInserted(long id, String email, String phone) {
        Map<String, String> after = contactRow(id, email, phone);
        return change("contacts", id, Operation.INSERT, null, after);
    }

    static ChangeEvent contactPhoneChanged(
            long id, String email, String oldPhone, String newPhone) {
        return change(
                "contacts",
                id,
                Operation.UPDATE,
                contactRow(id, email, oldPhone),
                contactRow(id, email, newPhone));
    }

    static ChangeEvent threadInserted(long id, long ticketId, String content) {
        Map<String, String> after = new LinkedHashMap<>();
        after.put("id", Long.toString(id));
        after.put("ticket_id", Long.toString(ticketId));
        after.put("direction", "in");
        after.put("from_address", "anna@example.eu");
        after.put("to_address", "support@example.com");
        after.put("content", content);
        after.put("created_at", "1740823200000");
        after.put("updated_at", "1740823200000");
        after.put("deleted_at", null);
        return change("threads", id, Operation.INSERT, null, after);
    }

    static ChangeEvent ticketInserted(long id, long contactId, String subject, String description) {
        return change(
                "tickets",
                id,
                Operation.INSERT,
                null,
                ticketRow(id, contactId, subject, description));
    }

    static ChangeEvent ticketDescriptionChanged(
            long id, long contactId, String subject, String oldDescription, String newDescription) {
        return change(
                "tickets",
                id,
                Operation.UPDATE,
                ticketRow(id, contactId, subject, oldDescription),
                ticketRow(id, contactId, subject, newDescription));
    }

    static Map<String, String> ticketRow(
            long id, long contactId, String subject, String description) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("contact_id", Long.toString(contactId));
        row.put("agent_id", null);
        row.put("subject", subject);
        row.put("description", description);
        row.put("status", "open");
        row.put("channel", "email");
        row.put("custom_fields", "{}");
        row.put("created_at", "1740823200000");
        row.put("updated_at", "1740823200000");
        row.put("closed_at", null);
        row.put("deleted_at", null);
        return row;
    }

    static ChangeEvent accountInserted(long id, String name) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("name", name);
        row.put("domain", "example.com");
        row.put("region", "EU");
        row.put("created_at", "1740823200000");
        row.put("updated_at", "1740823200000");
        row.put("deleted_at", null);
        return change("accounts", id, Operation.INSERT, null, row);
    }

    static Map<String, String> contactRow(long id, String email, String phone) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("account_id", null);
        row.put("first_name", "Anna");
        row.put("last_name", "Łukasiewicz");
        row.put("email", email);
        row.put("phone", phone);
        row.put("mobile", null);
        row.put("twitter_handle", null);
        row.put("locale", "de");
        row.put("region", "EU");
        row.put("created_at", "1740823200000");
        row.put("updated_at", "1740823200000");
        row.put("deleted_at", null);
        return row;
    }

    /** {@code change} at another LSN (the builders put change N at LSN 100 + N). */
    static ChangeEvent at(ChangeEvent change, long lsn) {
        ChangeEvent c = ChangeEvent.newBuilder(change).build();
        c.getSource().setLsn(lsn);
        return c;
    }

    /** {@code change} at another LSN and commit time. */
    static ChangeEvent at(ChangeEvent change, long lsn, long commitMillis) {
        ChangeEvent c = at(change, lsn);
        c.getSource().setCommitTime(Instant.ofEpochMilli(commitMillis));
        return c;
    }

    static ChangeEvent change(
            String table,
            long id,
            Operation op,
            Map<String, String> before,
            Map<String, String> after) {
        return new ChangeEvent(
                table,
                Map.of("id", Long.toString(id)),
                op,
                before,
                after,
                new SourcePosition(
                        100 + id,
                        7L,
                        Instant.ofEpochMilli(T0),
                        Instant.ofEpochMilli(T0 + 3),
                        false,
                        "helpdesk.public." + table,
                        0,
                        id),
                null);
    }
}
