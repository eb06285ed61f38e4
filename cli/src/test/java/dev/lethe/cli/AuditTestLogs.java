package dev.lethe.cli;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.audit.MerkleFrontier;
import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadSigner;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.keys.InMemorySubjectKeyStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Audit logs as the audit job writes them (hash chains, logIndex, signed checkpoints), with
 * personal values really encrypted for their subjects, built by intent: {@code
 * log.contactEmailChanged(42, "old@x.eu", "new@x.eu", agent(7))}.
 */
final class AuditTestLogs {

    static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

    final InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
    final SubjectCipher cipher = new SubjectCipher(keys);
    final SigningKeys signing;
    final List<AuditEntry> entries = new ArrayList<>();
    final List<AuditCheckpoint> checkpoints = new ArrayList<>();

    private final EntryHasher hasher = new EntryHasher();
    private final MerkleFrontier tree = new MerkleFrontier();
    private final Map<String, HashChain.Head> heads = new HashMap<>();
    private final TreeHeadSigner signer;

    AuditTestLogs() {
        this(SigningKeys.generate());
    }

    /** A log signed with {@code signing} (two logs with one key: a history written again). */
    AuditTestLogs(SigningKeys signing) {
        this.signing = signing;
        this.signer = new TreeHeadSigner(signing);
    }

    static AuditActor agent(int id) {
        return new AuditActor("agent", Integer.toString(id), null);
    }

    static AuditActor customer(long id, String reason) {
        return new AuditActor("customer", Long.toString(id), reason);
    }

    /** Contact {@code id} created with an email, {@code minutes} after T0. */
    AuditEntry contactCreated(long id, String email, AuditActor actor, int minutes) {
        String entity = "contacts/" + id;
        return append(
                entity,
                "contacts",
                Map.of("id", Long.toString(id)),
                "INSERT",
                List.of(
                        personal(entity, "contact:" + id, "email", null, email),
                        plain("status", null, "active")),
                List.of("contact:" + id),
                actor,
                T0.plusSeconds(60L * minutes));
    }

    /** Contact {@code id}'s email changed. */
    AuditEntry contactEmailChanged(
            long id, String before, String after, AuditActor actor, int minutes) {
        String entity = "contacts/" + id;
        return append(
                entity,
                "contacts",
                Map.of("id", Long.toString(id)),
                "UPDATE",
                List.of(personal(entity, "contact:" + id, "email", before, after)),
                List.of("contact:" + id),
                actor,
                T0.plusSeconds(60L * minutes));
    }

    /** Ticket {@code id} of contact {@code contact} changed status. */
    AuditEntry ticketStatusChanged(
            long id, long contact, String before, String after, AuditActor actor, int minutes) {
        return append(
                "tickets/" + id,
                "tickets",
                Map.of("id", Long.toString(id)),
                "UPDATE",
                List.of(plain("status", before, after)),
                List.of("contact:" + contact),
                actor,
                T0.plusSeconds(60L * minutes));
    }

    /** Signs a checkpoint over everything appended so far. */
    AuditCheckpoint checkpoint() {
        AuditCheckpoint previous =
                checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
        AuditCheckpoint c = signer.next(previous, tree.size(), tree.root(), T0.plusSeconds(3600));
        checkpoints.add(c);
        return c;
    }

    /** {@code n} ticket updates over {@code tickets} tickets, a checkpoint every {@code every}. */
    AuditTestLogs ticketTraffic(int n, int tickets, int every) {
        for (int i = 0; i < n; i++) {
            ticketStatusChanged(
                    1000 + i % tickets,
                    1,
                    i % 2 == 0 ? "open" : "closed",
                    i % 2 == 0 ? "closed" : "open",
                    agent(7),
                    i);
            if ((i + 1) % every == 0) {
                checkpoint();
            }
        }
        return this;
    }

    private AuditFieldChange personal(
            String entity, String subject, String column, String before, String after) {
        return new AuditFieldChange(
                column,
                true,
                encrypt(before, subject, entity + "#" + column),
                encrypt(after, subject, entity + "#" + column));
    }

    private static AuditFieldChange plain(String column, String before, String after) {
        return new AuditFieldChange(column, false, before, after);
    }

    private ByteBuffer encrypt(String value, String subject, String aad) {
        return value == null
                ? null
                : ByteBuffer.wrap(
                        cipher.encrypt(
                                value.getBytes(StandardCharsets.UTF_8), List.of(subject), aad));
    }

    private AuditEntry append(
            String entity,
            String table,
            Map<String, String> key,
            String op,
            List<AuditFieldChange> changes,
            List<String> subjects,
            AuditActor actor,
            Instant at) {
        AuditEntry e =
                AuditEntry.newBuilder()
                        .setLogIndex(tree.size())
                        .setKind("change")
                        .setEntityId(entity)
                        .setTable(table)
                        .setKey(new HashMap<>(key))
                        .setSeq(0)
                        .setOp(op)
                        .setChanges(new ArrayList<>(changes))
                        .setSubjectIds(new ArrayList<>(subjects))
                        .setActor(actor)
                        .setCommitTime(at)
                        .setCaptureTime(at.plusMillis(40))
                        .setLsn(1000L + tree.size())
                        .setTxId(500L + tree.size())
                        .setAttributes(new HashMap<>())
                        .setPrevHash(ByteBuffer.allocate(0))
                        .setHash(ByteBuffer.allocate(0))
                        .build();
        heads.put(entity, HashChain.append(heads.get(entity), e, hasher));
        tree.appendEntryHash(AuditEntryText.bytes(e.getHash()));
        entries.add(e);
        return e;
    }
}
