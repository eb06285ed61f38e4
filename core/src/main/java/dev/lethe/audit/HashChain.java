package dev.lethe.audit;

import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Links an entity's entries into a hash chain: entry {@code seq} carries the hash of entry {@code
 * seq - 1} as {@code prevHash} (32 zero bytes for seq 1), and its own {@code hash} over all that.
 * The writer (the audit job) keeps one {@link Head} per entity; the verifier checks links with
 * {@link #check}.
 */
public final class HashChain {

    private static final byte[] GENESIS = new byte[EntryHasher.HASH_LENGTH];

    private HashChain() {}

    /** The prevHash of an entity's first entry: 32 zero bytes (a fresh copy). */
    public static byte[] genesis() {
        return GENESIS.clone();
    }

    /**
     * The last link of an entity's chain: what the writer keeps per entity (e.g. in Flink keyed
     * state) to append the next entry.
     */
    public record Head(long seq, byte[] hash) {
        public Head {
            if (seq < 1) {
                throw new IllegalArgumentException("seq starts at 1");
            }
            if (hash == null || hash.length != EntryHasher.HASH_LENGTH) {
                throw new IllegalArgumentException("a chain hash has 32 bytes");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Head other && seq == other.seq && Arrays.equals(hash, other.hash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "Head[seq=" + seq + ", hash=" + Hex.of(hash) + "]";
        }
    }

    /**
     * Makes {@code entry} the next link after {@code head} ({@code null}: the entity has no entry
     * yet): sets its {@code seq}, {@code prevHash} and {@code hash}, and returns the new head.
     * Every other field of the entry, {@code logIndex} included, must already be set: the hash
     * covers them.
     */
    public static Head append(Head head, AuditEntry entry, EntryHasher hasher) {
        long seq = head == null ? 1 : head.seq() + 1;
        byte[] prevHash = head == null ? genesis() : head.hash().clone();
        entry.setSeq(seq);
        entry.setPrevHash(ByteBuffer.wrap(prevHash));
        byte[] hash = hasher.hash(entry);
        entry.setHash(ByteBuffer.wrap(hash.clone()));
        return new Head(seq, hash);
    }

    /** How an entry relates to the head of its entity's chain. */
    public enum Link {
        /** seq = head.seq + 1 (or 1 without head) and prevHash = head.hash (or zeros). */
        NEXT,
        /** seq is the next one but prevHash is not the previous entry's hash. */
        BROKEN,
        /** seq skips one or more entries. */
        GAP,
        /** seq is at or below the head's: a replay, a reordering or a fork. */
        BEHIND
    }

    /** Checks the entry's seq and prevHash against the chain head ({@code null}: no entry yet). */
    public static Link check(Head head, AuditEntry entry) {
        long expected = head == null ? 1 : head.seq() + 1;
        if (entry.getSeq() < expected) {
            return Link.BEHIND;
        }
        if (entry.getSeq() > expected) {
            return Link.GAP;
        }
        byte[] want = head == null ? GENESIS : head.hash();
        return Hex.equals(entry.getPrevHash(), want) ? Link.NEXT : Link.BROKEN;
    }
}
