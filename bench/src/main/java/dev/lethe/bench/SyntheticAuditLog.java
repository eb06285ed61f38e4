package dev.lethe.bench;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A synthetic audit log made as it is iterated, entry by entry, in the shape the audit job writes
 * it: ticket status changes by agents (half), contacts changing their email (a fifth), new ticket
 * messages (the rest, each its own new record). Personal values (an email, a message's body) are
 * envelopes of the real layout ({@code docs/audit-format.md}, "Encrypted values": version, the
 * subject and its wrapped share, IV, ciphertext and tag) filled with random bytes: as long as real
 * ones, readable by no key. Each entity's entries are hash-chained ({@link HashChain}), so the hash
 * check of {@code audit log} passes on every entry; log indices run from 0 without gaps.
 *
 * <p>Holds one chain head per ticket and contact ({@code entities} at most), never the log: any
 * length takes the same memory. Seeded: the same arguments give the same log.
 */
final class SyntheticAuditLog implements Iterator<AuditEntry> {

    /** The first entry's commit time; one entry every 20 ms after it. */
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    private static final String[] STATUSES = {"open", "pending", "on_hold", "solved", "closed"};

    private final long size;
    private final int entities;
    private final Random random;
    private final EntryHasher hasher = new EntryHasher();
    private final Map<String, HashChain.Head> heads = new HashMap<>();
    private long next;

    /**
     * @param size how many entries
     * @param entities how many tickets and contacts the changes are spread over (at least 3)
     * @param seed the random seed
     */
    SyntheticAuditLog(long size, int entities, long seed) {
        if (size < 0 || entities < 3) {
            throw new IllegalArgumentException(
                    "a log of 0 or more entries over 3 or more entities");
        }
        this.size = size;
        this.entities = entities;
        this.random = new Random(seed);
    }

    @Override
    public boolean hasNext() {
        return next < size;
    }

    @Override
    public AuditEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long i = next++;
        Instant at = T0.plusMillis(i * 20);
        int kind = random.nextInt(10);
        int id = 1 + random.nextInt(entities);
        // tickets and contacts share the ids: ticket n belongs to contact n / 3 + 1
        int contact = id / 3 + 1;
        AuditEntry.Builder b;
        if (kind < 5) {
            int from = random.nextInt(STATUSES.length);
            int to = (from + 1 + random.nextInt(STATUSES.length - 1)) % STATUSES.length;
            b =
                    change(i, "tickets", id, "UPDATE", at)
                            .setChanges(
                                    List.of(
                                            plain("status", STATUSES[from], STATUSES[to]),
                                            plain(
                                                    "updated_at",
                                                    at.minusSeconds(3600).toString(),
                                                    at.toString())))
                            .setSubjectIds(List.of("contact:" + contact))
                            .setActor(new AuditActor("agent", Integer.toString(1 + id % 40), null));
        } else if (kind < 7) {
            String subject = "contact:" + id;
            b =
                    change(i, "contacts", id, "UPDATE", at)
                            .setChanges(
                                    List.of(
                                            personal("email", subject, 24, 24),
                                            plain(
                                                    "updated_at",
                                                    at.minusSeconds(86_400).toString(),
                                                    at.toString())))
                            .setSubjectIds(List.of(subject))
                            .setActor(new AuditActor("customer", Integer.toString(id), "moved"));
        } else {
            String subject = "contact:" + contact;
            b =
                    change(i, "ticket_messages", (int) i + 1, "INSERT", at)
                            .setChanges(
                                    List.of(
                                            personal("body", subject, 0, 180 + random.nextInt(240)),
                                            plain("created_at", null, at.toString()),
                                            plain("ticket_id", null, Integer.toString(id))))
                            .setSubjectIds(List.of(subject))
                            .setActor(new AuditActor("customer", Integer.toString(contact), null));
        }
        AuditEntry e = b.build();
        String entity = e.getEntityId();
        if ("INSERT".equals(e.getOp())) {
            // a message is written once: its chain has one entry, no head is kept
            HashChain.append(null, e, hasher);
        } else {
            heads.put(entity, HashChain.append(heads.get(entity), e, hasher));
        }
        return e;
    }

    /** How many chain heads are held (tickets and contacts changed so far). */
    int chainsHeld() {
        return heads.size();
    }

    private AuditEntry.Builder change(long i, String table, int id, String op, Instant at) {
        return AuditEntry.newBuilder()
                .setLogIndex(i)
                .setKind("change")
                .setEntityId(table + "/" + id)
                .setTable(table)
                .setKey(Map.of("id", Integer.toString(id)))
                .setSeq(1)
                .setOp(op)
                .setCommitTime(at)
                .setCaptureTime(at.plusMillis(35))
                .setLsn(0x1_0000_0000L + i * 512)
                .setTxId(700_000L + i)
                .setSourceTopic("helpdesk.public." + table)
                .setSourcePartition(0)
                .setSourceOffset(i)
                .setAttributes(Map.of())
                .setPrevHash(ByteBuffer.wrap(HashChain.genesis()))
                .setHash(ByteBuffer.wrap(HashChain.genesis()));
    }

    private static AuditFieldChange plain(String column, String before, String after) {
        return new AuditFieldChange(column, false, before, after);
    }

    /** A personal column's change: envelopes of these plaintext lengths (0: no value). */
    private AuditFieldChange personal(String column, String subject, int before, int after) {
        return new AuditFieldChange(
                column,
                true,
                before == 0 ? null : envelope(subject, before),
                after == 0 ? null : envelope(subject, after));
    }

    /**
     * An envelope of the version-1 layout for one subject: 0x01, 1, the id's length and id, a
     * 40-byte wrapped share, a 12-byte IV, the ciphertext and its 16-byte tag (random bytes).
     */
    ByteBuffer envelope(String subject, int plaintextLength) {
        byte[] id = subject.getBytes(StandardCharsets.US_ASCII);
        byte[] e = new byte[3 + id.length + 40 + 12 + plaintextLength + 16];
        random.nextBytes(e);
        e[0] = 1;
        e[1] = 1;
        e[2] = (byte) id.length;
        System.arraycopy(id, 0, e, 3, id.length);
        return ByteBuffer.wrap(e);
    }
}
