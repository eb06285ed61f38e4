package dev.lethe.jobs.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Which transactions the raw topics have delivered in full, from Debezium's transaction metadata:
 * an END record on the transaction topic names, per table, how many events the transaction wrote,
 * and each change carries its transaction id and position in it ({@code total_order}). The
 * transaction topic is in commit order, so the ENDs are queued in that order; a transaction is
 * complete when every event its END counts (on the tables the job reads) has been read, and its
 * actor message too, if it has one. The commit time of the last transaction of the complete prefix
 * of that queue is the point up to which nothing committed is still to come: the event time the
 * jobs may advance to at once, without waiting for an idle timeout.
 *
 * <p><b>Actor messages.</b> A transaction's message is written before its END, but to another
 * partition: it may be appended, and read, after it. Debezium 3 counts logical-decoding messages in
 * the END (as a data collection of their own): a transaction whose END counts one is complete only
 * once it has been read (or a later transaction's, the message topic being in commit order too, or
 * the fallback below); one whose END counts none needs none. Where the connector does not count
 * them, a transaction with changes is complete once its message has been read, a later one's, or a
 * look at the message topic's end taken after its END was read finds the topic read to its end.
 *
 * <p><b>Fallback.</b> {@link #release} takes the watermark of the partitions' own rule (commit
 * time, quiet partitions at the wall clock): a queued transaction it has passed leaves whether
 * complete or not (its first events were before the job's start, or deleted by retention), and
 * nothing at or below it is tracked. So the ledger holds only the transactions between the two, and
 * event time is never behind what it was without transaction metadata.
 *
 * <p>Redelivered events (Debezium is at least once) are counted once, by total order; a redelivered
 * END of a transaction already released is ignored (its commit time is behind).
 */
public final class TransactionLedger {

    /** A transaction seen in the raw topics: its events so far and, once read, its END. */
    static final class Entry {
        final String id;
        long commitMillis = Long.MIN_VALUE;
        final BitSet orders = new BitSet();
        int unordered;
        boolean message;
        int expected = -1; // -1 until its END is read
        long endReadAt = Long.MIN_VALUE; // when its END was read (processing time)
        int messagesExpected = -1; // from its END, when the connector counts messages; else -1

        Entry(String id) {
            this.id = id;
        }

        int seen() {
            return orders.cardinality() + unordered;
        }

        boolean ended() {
            return expected >= 0;
        }
    }

    private final Map<String, Entry> open = new HashMap<>();
    private final Deque<Entry> ended = new ArrayDeque<>();
    private int endedWithMessage;
    private long messagesReadBefore = Long.MIN_VALUE;
    private long released = Long.MIN_VALUE;
    private long fallback = Long.MIN_VALUE;
    private long completed;
    private long passed;

    /** A change of a table the job reads, of transaction {@code id}. */
    public void change(String id, long totalOrder, long commitMillis) {
        Entry e = entry(id, commitMillis);
        if (e == null) {
            return;
        }
        if (totalOrder > 0 && totalOrder <= Integer.MAX_VALUE) {
            e.orders.set((int) totalOrder);
        } else {
            e.unordered++;
        }
    }

    /** The actor message of transaction {@code id}. */
    public void message(String id, long commitMillis) {
        Entry e = entry(id, commitMillis);
        if (e != null && !e.message) {
            e.message = true;
            if (e.ended()) {
                endedWithMessage++;
            }
        }
    }

    /**
     * The END of transaction {@code id}: {@code expected} events on the tables the job reads;
     * {@code commitMillis} its commit time when none of its events has been read yet; {@code
     * readAt} when it was read (processing time, see {@link #messagesReadBefore}).
     */
    public void end(String id, int expected, long commitMillis, long readAt) {
        end(id, expected, -1, commitMillis, readAt);
    }

    /**
     * As {@link #end(String, int, long, long)}, with the number of actor messages the END counts:
     * Debezium 3 counts them (as a data collection of their own), and a transaction whose END
     * counts none has none: it needs no wait for one. -1 when the connector does not say.
     */
    public void end(String id, int expected, int messages, long commitMillis, long readAt) {
        Entry e = open.get(id);
        if (e == null) {
            if (commitMillis <= floor()) {
                return; // a redelivered END, or one from before the job's start: passed already
            }
            e = new Entry(id);
            e.commitMillis = commitMillis;
            open.put(id, e);
        }
        if (e.ended()) {
            return; // redelivered
        }
        e.expected = expected;
        e.messagesExpected = messages;
        e.endReadAt = readAt;
        ended.addLast(e);
        if (e.message) {
            endedWithMessage++;
        }
    }

    /**
     * Releases the complete prefix of the ended transactions, and what {@code fallbackWatermark}
     * has passed; returns the commit time up to which every transaction is complete (never less
     * than before), or {@link Long#MIN_VALUE} while there is none.
     */
    public long release(long fallbackWatermark) {
        fallback = Math.max(fallback, fallbackWatermark);
        while (!ended.isEmpty()) {
            Entry front = ended.peekFirst();
            boolean complete = front.seen() >= front.expected && attributed(front);
            boolean overtaken = front.commitMillis <= fallback;
            if (!complete && !overtaken) {
                break;
            }
            ended.removeFirst();
            open.remove(front.id);
            if (front.message) {
                endedWithMessage--;
            }
            if (complete) {
                completed++;
            } else {
                passed++;
            }
            released = Math.max(released, front.commitMillis);
        }
        if (open.size() > ended.size()) {
            // transactions without an END (metadata off, or their END still to come) that event
            // time has passed: nothing more to learn about them
            long floor = floor();
            Iterator<Entry> it = open.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (!e.ended() && e.commitMillis <= floor) {
                    it.remove();
                }
            }
        }
        return released;
    }

    /** How many transactions left complete, and how many the fallback passed incomplete. */
    public long completed() {
        return completed;
    }

    public long passed() {
        return passed;
    }

    /** Transactions tracked now (for a gauge). */
    public int tracked() {
        return open.size();
    }

    /** A transaction with changes needs its actor message, or proof that it has none. */
    private boolean attributed(Entry front) {
        // a later transaction's message read: the message topic is past it, it has none;
        // or every message written before its END was read, by a look at the topic's end.
        // Not when its END counts a message: the connector writes the message before the END,
        // but to another partition, whose append may come later than the END's (and than a look)
        return front.expected == 0
                || front.message
                || front.messagesExpected == 0
                || endedWithMessage > 0
                || (front.messagesExpected < 0 && front.endReadAt < messagesReadBefore);
    }

    /**
     * When the first ended transaction waits only for its actor message: when its END was read;
     * else {@link Long#MIN_VALUE}. A look at the message topic taken after that time, finding it
     * read to its end, proves it has none ({@link #messagesReadBefore}).
     */
    public long awaitingMessageSince() {
        Entry front = ended.peekFirst();
        if (front == null
                || front.seen() < front.expected
                || attributed(front)
                || front.messagesExpected > 0) {
            return Long.MIN_VALUE; // a message its END counts is waited for, not looked for
        }
        return front.endReadAt;
    }

    /** Every actor message written before {@code time} (processing time) has been read. */
    public void messagesReadBefore(long time) {
        messagesReadBefore = Math.max(messagesReadBefore, time);
    }

    private long floor() {
        return Math.max(released, fallback);
    }

    private Entry entry(String id, long commitMillis) {
        Entry e = open.get(id);
        if (e == null) {
            if (commitMillis <= floor()) {
                return null; // released or passed already: a redelivery, or late
            }
            e = new Entry(id);
            open.put(id, e);
        }
        e.commitMillis = Math.max(e.commitMillis, commitMillis);
        return e;
    }

    /** The ledger as bytes, for operator state. */
    public byte[] snapshot() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2); // format
            out.writeLong(released);
            out.writeLong(fallback);
            out.writeInt(open.size());
            // ended entries first, in queue order, then the others
            for (Entry e : ended) {
                write(out, e);
            }
            for (Entry e : open.values()) {
                if (!e.ended()) {
                    write(out, e);
                }
            }
        }
        return bytes.toByteArray();
    }

    /** A ledger from {@link #snapshot}'s bytes. */
    public static TransactionLedger restore(byte[] snapshot) throws IOException {
        TransactionLedger ledger = new TransactionLedger();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int format = in.readInt();
            if (format != 2) {
                throw new IOException("unknown transaction ledger format " + format);
            }
            ledger.released = in.readLong();
            ledger.fallback = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                Entry e = new Entry(in.readUTF());
                e.commitMillis = in.readLong();
                e.unordered = in.readInt();
                e.message = in.readBoolean();
                e.expected = in.readInt();
                e.messagesExpected = in.readInt();
                byte[] orders = new byte[in.readInt()];
                in.readFully(orders);
                e.orders.or(BitSet.valueOf(orders));
                ledger.open.put(e.id, e);
                if (e.ended()) {
                    ledger.ended.addLast(e);
                    if (e.message) {
                        ledger.endedWithMessage++;
                    }
                }
            }
        }
        return ledger;
    }

    private static void write(DataOutputStream out, Entry e) throws IOException {
        out.writeUTF(e.id);
        out.writeLong(e.commitMillis);
        out.writeInt(e.unordered);
        out.writeBoolean(e.message);
        out.writeInt(e.expected);
        out.writeInt(e.messagesExpected);
        byte[] orders = e.orders.toByteArray();
        out.writeInt(orders.length);
        out.write(orders);
    }
}
