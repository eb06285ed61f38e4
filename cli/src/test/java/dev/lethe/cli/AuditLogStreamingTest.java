package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.events.AuditEntry;
import dev.lethe.server.AuditQuery;
import dev.lethe.server.LetheServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./lethe audit log --limit 0} (with or without {@code --json}) holds a bounded number of
 * entries whatever the log's length: each entry is written before more than a few more are made
 * (read from Kafka here, or one page of the server). Counted, not timed: an output that counts the
 * entries reaching it against a source that counts the entries it made; a whole-log read that held
 * the log first would have made all of them before the first is written.
 */
@Timeout(300)
class AuditLogStreamingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The log's length. */
    static final int ENTRIES = 200_000;

    /**
     * Entries made and not yet written that the printing may hold: Jackson's output buffer (8,000
     * bytes) holds a few dozen of them.
     */
    static final int ALIVE = 100;

    /** Each entry's entity id starts with it (once per entry in either form), then its index. */
    static final String MARKER = "zz-marker/";

    /** {@link #ENTRIES} entries, each made (and counted by {@code made}) when it is asked for. */
    private static <T> Iterable<T> madeOnDemand(
            Made made, java.util.function.LongFunction<T> make) {
        return () ->
                new Iterator<>() {
                    long i;

                    @Override
                    public boolean hasNext() {
                        return i < ENTRIES;
                    }

                    @Override
                    public T next() {
                        made.one();
                        return make.apply(i++);
                    }
                };
    }

    @Test
    void printWritesEachEntryBeforeMoreThanAFewMoreAreMade() throws Exception {
        for (boolean json : new boolean[] {true, false}) {
            EntriesWritten out = new EntriesWritten();
            Made made = new Made(out, ALIVE);
            Iterable<JsonNode> generated = madeOnDemand(made, AuditLogStreamingTest::entry);

            AuditLogCommand.print(generated, json, print(out));

            assertThat(out.count).as("entries written, --json " + json).isEqualTo(ENTRIES);
            assertThat(made.peak).as("most entries alive at once").isLessThanOrEqualTo(ALIVE);
        }
    }

    @Test
    void theWholeLogReadHereIsPrintedAsItIsReadWithOrWithoutAFilter() throws Exception {
        AuditTestLogs log = new AuditTestLogs();
        log.ticketStatusChanged(9, 42, "open", "pending", AuditTestLogs.agent(7), 0);
        AuditEntry one = log.entries.get(0);
        AuditEntryText format = new AuditEntryText(AuditEntryText.PersonalValues.NONE);
        // every entry is an update: the filter is applied to each as it is read and keeps it
        AuditEntryFilter updates =
                new AuditEntryFilter(null, null, null, "UPDATE", null, null, null);
        for (AuditEntryFilter filter : List.of(AuditEntryFilter.all(), updates)) {
            for (boolean json : new boolean[] {true, false}) {
                EntriesWritten out = new EntriesWritten();
                Made made = new Made(out, ALIVE);
                // as the log of record is read: each entry made when it is asked for
                Iterable<AuditEntry> topic =
                        madeOnDemand(
                                made,
                                at ->
                                        AuditEntry.newBuilder(one)
                                                .setLogIndex(at)
                                                .setEntityId(MARKER + at)
                                                .build());

                AuditLogCommand.print(
                        AuditLogCommand.select(topic, filter, 0), format, json, print(out));

                assertThat(out.count).isEqualTo(ENTRIES);
                assertThat(made.peak).isLessThanOrEqualTo(ALIVE);
            }
        }
    }

    @Test
    void theWholeLogThroughTheServerIsReadOldestFirstAndPrintedPageByPage() throws Exception {
        for (boolean json : new boolean[] {true, false}) {
            EntriesWritten out = new EntriesWritten();
            // one page of the server, then what the printing holds
            Made made = new Made(out, AuditQuery.MAX_LIMIT + ALIVE);
            PagedLog server = new PagedLog(ENTRIES, made);

            AuditLogCommand.print(
                    AuditLogCommand.oldestFirst(server, "&table=tickets"), json, print(out));

            assertThat(out.count).isEqualTo(ENTRIES);
            assertThat(made.peak).isLessThanOrEqualTo(AuditQuery.MAX_LIMIT + ALIVE);
            // 400 full pages, then the empty one after the last full page
            assertThat(server.paths).hasSize(ENTRIES / AuditQuery.MAX_LIMIT + 1);
            for (int p = 0; p < server.paths.size(); p++) {
                Map<String, String> q = params(server.paths.get(p));
                assertThat(q)
                        .containsEntry("order", "oldest")
                        .containsEntry("limit", Integer.toString(AuditQuery.MAX_LIMIT))
                        .containsEntry("table", "tickets");
                if (p == 0) {
                    assertThat(q).doesNotContainKey("after");
                } else {
                    // continues above the last entry of the page before
                    assertThat(cursor(q.get("after"))).isEqualTo(p * AuditQuery.MAX_LIMIT - 1L);
                }
            }
        }
    }

    @Test
    void aLimitIsReadNewestFirstAndNoMoreThanItIsHeld() throws Exception {
        Made made = new Made(new EntriesWritten(), Integer.MAX_VALUE);
        PagedLog server = new PagedLog(ENTRIES, made);

        var shown = AuditLogCommand.newestFirst(server, "&op=UPDATE", 1_200);

        assertThat(shown).hasSize(1_200);
        assertThat(shown.peekFirst().path("logIndex").asLong()).isEqualTo(ENTRIES - 1_200);
        assertThat(shown.peekLast().path("logIndex").asLong()).isEqualTo(ENTRIES - 1);
        long previous = -1;
        for (JsonNode e : shown) {
            assertThat(e.path("logIndex").asLong()).isGreaterThan(previous);
            previous = e.path("logIndex").asLong();
        }
        // the console's order (no order parameter), pages of at most 500 and then what is left
        assertThat(server.paths).hasSize(3);
        assertThat(server.paths).allSatisfy(p -> assertThat(params(p)).doesNotContainKey("order"));
        assertThat(server.paths.stream().map(p -> params(p).get("limit")))
                .containsExactly("500", "500", "200");
        assertThat(cursor(params(server.paths.get(1)).get("after"))).isEqualTo(ENTRIES - 500L);
        assertThat(made.made).isEqualTo(1_200);
    }

    @Test
    void theFirstPageIsReadBeforeAnythingPrintsAndAnEmptyPageEndsTheRead() throws Exception {
        AuditLogCommand.ServerPages refusing =
                path -> {
                    throw new ServerClient.Refused(403, "not yours");
                };
        assertThatThrownBy(() -> AuditLogCommand.oldestFirst(refusing, ""))
                .isInstanceOf(ServerClient.Refused.class);

        // a page that names a next page but holds nothing ends the read (no endless asking)
        List<String> asked = new ArrayList<>();
        AuditLogCommand.ServerPages stuck =
                path -> {
                    asked.add(path);
                    ObjectNode a = JSON.createObjectNode();
                    ArrayNode entries = a.putArray("entries");
                    if (asked.size() == 1) {
                        entries.add(entry(0));
                    }
                    a.put("next", LetheServer.cursorAfter(0));
                    return a;
                };
        Iterable<JsonNode> pages = AuditLogCommand.oldestFirst(stuck, "");
        assertThat(asked).hasSize(1);
        List<JsonNode> read = new ArrayList<>();
        pages.forEach(read::add);
        assertThat(read).hasSize(1);
        assertThat(asked).hasSize(2);
        assertThatThrownBy(() -> pages.iterator()).isInstanceOf(IllegalStateException.class);
    }

    private static PrintStream print(OutputStream out) {
        return new PrintStream(out, false, StandardCharsets.UTF_8);
    }

    /** An entry in the JSON the server answers with, its entity id {@link #MARKER}{@code i}. */
    static ObjectNode entry(long i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("logIndex", i)
                .put("kind", "change")
                .put("entityId", MARKER + i)
                .put("table", "tickets")
                .put("seq", 1)
                .put("op", "UPDATE");
        n.putObject("key").put("id", Long.toString(i));
        n.putArray("changes")
                .addObject()
                .put("column", "status")
                .put("personal", false)
                .put("before", "open")
                .put("after", "closed");
        n.putArray("subjectIds").add("contact:" + i);
        n.putObject("actor").put("type", "agent").put("id", "7").putNull("reason");
        n.put("commitTime", Instant.ofEpochSecond(1_740_000_000L + i).toString());
        n.put("hashMatchesContent", true);
        return n;
    }

    /** The query parameters of a path. */
    static Map<String, String> params(String path) {
        Map<String, String> q = new HashMap<>();
        int at = path.indexOf('?');
        if (at < 0) {
            return q;
        }
        for (String p : path.substring(at + 1).split("&")) {
            int eq = p.indexOf('=');
            q.put(
                    URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** The log index an opaque cursor names (as the server reads it). */
    static long cursor(String cursor) {
        return Long.parseLong(
                new String(
                        java.util.Base64.getUrlDecoder().decode(cursor),
                        StandardCharsets.US_ASCII));
    }

    /**
     * The server's audit log of {@code size} entries, indices 0 to size - 1, each made when a page
     * is asked for: oldest first above {@code after} with {@code order=oldest}, else newest first
     * below it; a full page names the next.
     */
    static final class PagedLog implements AuditLogCommand.ServerPages {
        final long size;
        final Made made;
        final List<String> paths = new ArrayList<>();

        PagedLog(long size, Made made) {
            this.size = size;
            this.made = made;
        }

        @Override
        public JsonNode get(String path) {
            assertThat(path).startsWith(AuditLogCommand.ENTRIES + "?");
            paths.add(path);
            Map<String, String> q = params(path);
            int limit = Integer.parseInt(q.get("limit"));
            boolean oldest = "oldest".equals(q.get("order"));
            Long after = q.containsKey("after") ? cursor(q.get("after")) : null;
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode entries = answer.putArray("entries");
            long i =
                    oldest
                            ? (after == null ? 0 : after + 1)
                            : (after == null ? size - 1 : after - 1);
            long last = -1;
            while (entries.size() < limit && i >= 0 && i < size) {
                made.one();
                entries.add(entry(i));
                last = i;
                i += oldest ? 1 : -1;
            }
            if (entries.size() == limit && (oldest || last > 0)) {
                answer.put("next", LetheServer.cursorAfter(last));
            } else {
                answer.putNull("next");
            }
            answer.put("values", "masked");
            return answer;
        }
    }

    /** Counts the entries made, failing when more than {@code bound} are not yet written. */
    static final class Made {
        private final EntriesWritten out;
        private final long bound;
        long made;
        long peak;

        Made(EntriesWritten out, long bound) {
            this.out = out;
            this.bound = bound;
        }

        void one() {
            made++;
            long alive = made - out.count;
            peak = Math.max(peak, alive);
            if (alive > bound) {
                throw new AssertionError(
                        alive
                                + " entries made and not yet written (at most "
                                + bound
                                + "): the log is held, not streamed");
            }
        }
    }

    /**
     * An output that keeps nothing and counts the entries written to it: each occurrence of {@link
     * #MARKER} and the index after it, across writes of any size; the indices must follow each
     * other from 0 (the order and completeness of what was written).
     */
    static final class EntriesWritten extends OutputStream {
        private static final byte[] PATTERN = MARKER.getBytes(StandardCharsets.US_ASCII);
        private static final int[] FAILURE = failure(PATTERN);

        volatile long count;
        private int matched;
        private boolean inIndex;
        private long index;

        private static int[] failure(byte[] p) {
            int[] f = new int[p.length];
            for (int i = 1, k = 0; i < p.length; i++) {
                while (k > 0 && p[i] != p[k]) {
                    k = f[k - 1];
                }
                if (p[i] == p[k]) {
                    k++;
                }
                f[i] = k;
            }
            return f;
        }

        @Override
        public void write(int b) {
            byte c = (byte) b;
            if (inIndex) {
                if (c >= '0' && c <= '9') {
                    index = index * 10 + (c - '0');
                    return;
                }
                inIndex = false;
                if (index != count) {
                    throw new AssertionError("entry " + index + " written as number " + count);
                }
                count++;
            }
            while (matched > 0 && c != PATTERN[matched]) {
                matched = FAILURE[matched - 1];
            }
            if (c == PATTERN[matched]) {
                matched++;
            }
            if (matched == PATTERN.length) {
                matched = 0;
                inIndex = true;
                index = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }

    @Test
    void theCountingOutputCountsMarkersSplitAcrossWrites() {
        EntriesWritten out = new EntriesWritten();
        byte[] text =
                ("zz-zz-marker/0 x zz-marker/1\"" + "zzz-marker/2 ")
                        .getBytes(StandardCharsets.UTF_8);
        out.write(text, 0, 7);
        out.write(text, 7, text.length - 7);
        assertThat(out.count).isEqualTo(3);
    }
}
