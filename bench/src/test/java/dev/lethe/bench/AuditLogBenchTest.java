package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.EntryRecord;
import dev.lethe.audit.HashChain;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.jobs.kafka.AvroRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The pure parts of {@code ./lethe bench audit-log}: the synthetic log, how it is written (the
 * audit job's sink serializer, in transactions), the output that counts entries, the heap sampler.
 */
class AuditLogBenchTest {

    private static List<AuditEntry> generate(long size, int entities, long seed) {
        List<AuditEntry> all = new ArrayList<>();
        new SyntheticAuditLog(size, entities, seed).forEachRemaining(all::add);
        return all;
    }

    @Test
    void theSyntheticLogIsGaplessChainedAndHashedLikeTheAuditJobs() {
        List<AuditEntry> log = generate(5_000, 60, 42);
        EntryHasher hasher = new EntryHasher();
        Map<String, HashChain.Head> heads = new HashMap<>();
        Map<String, Integer> tables = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            AuditEntry e = log.get(i);
            assertThat(e.getLogIndex()).isEqualTo(i);
            HashChain.Head head = heads.get(e.getEntityId());
            assertThat(HashChain.check(head, e)).as("entry %d", i).isEqualTo(HashChain.Link.NEXT);
            byte[] hash = hasher.hash(e);
            assertThat(ByteBuffer.wrap(hash)).isEqualTo(e.getHash());
            heads.put(e.getEntityId(), new HashChain.Head(e.getSeq(), hash));
            tables.merge(e.getTable(), 1, Integer::sum);
            for (AuditFieldChange c : e.getChanges()) {
                // personal values are envelopes (bytes), the rest plain text
                for (Object v : new Object[] {c.getBefore(), c.getAfter()}) {
                    if (v != null) {
                        assertThat(v)
                                .isInstanceOf(
                                        c.getPersonal() ? ByteBuffer.class : CharSequence.class);
                    }
                }
            }
            assertThat(e.getSubjectIds()).hasSize(1);
        }
        assertThat(tables.keySet())
                .containsExactlyInAnyOrder("tickets", "contacts", "ticket_messages");
        assertThat(tables.get("tickets")).isGreaterThan(tables.get("contacts"));
        // tickets and contacts change again and again: their chains grow
        assertThat(heads.values().stream().mapToLong(HashChain.Head::seq).max().orElseThrow())
                .isGreaterThan(10);
        // the same seed, the same log
        assertThat(generate(300, 60, 42)).isEqualTo(log.subList(0, 300));
        assertThat(generate(300, 60, 43)).isNotEqualTo(log.subList(0, 300));
    }

    @Test
    void theGeneratorHoldsOneHeadPerTicketAndContactWhateverTheLength() {
        SyntheticAuditLog log = new SyntheticAuditLog(200_000, 100, 7);
        while (log.hasNext()) {
            log.next();
        }
        assertThat(log.chainsHeld()).isLessThanOrEqualTo(2 * 100);
    }

    @Test
    void anEnvelopeHasTheRealLayoutForItsSubject() {
        ByteBuffer b = new SyntheticAuditLog(1, 3, 1).envelope("contact:42", 24);
        byte[] e = new byte[b.remaining()];
        b.get(e);
        assertThat(e[0]).isEqualTo((byte) 1);
        assertThat(e[1]).isEqualTo((byte) 1);
        assertThat(e[2]).isEqualTo((byte) "contact:42".length());
        assertThat(new String(e, 3, e[2], StandardCharsets.US_ASCII)).isEqualTo("contact:42");
        assertThat(e).hasSize(3 + 10 + 40 + 12 + 24 + 16);
    }

    @Test
    void entriesAreWrittenAsTheAuditJobsSinkWritesThemAndReadBackByTheAuditLogsDecoder() {
        List<AuditEntry> log = generate(1_050, 40, 3);
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer());

        long bytes =
                AuditLogBench.write(
                        producer,
                        "lethe.bench.audit-log-1",
                        generate(1_050, 40, 3).iterator(),
                        500);

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(log.size());
        assertThat(producer.commitCount()).isEqualTo(3); // 500, 500, then the last 50
        assertThat(producer.transactionCommitted()).isTrue();
        long total = 0;
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<byte[], byte[]> r = sent.get(i);
            assertThat(r.topic()).isEqualTo("lethe.bench.audit-log-1");
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(log.get(i).getEntityId());
            // the sink's bytes, and what audit log decodes them to
            assertThat(r.value()).isEqualTo(AvroRecords.bytes(log.get(i)));
            EntryRecord read = EntryRecord.decode(r.value());
            assertThat(read.isMalformed()).isFalse();
            assertThat(read.entry()).isEqualTo(log.get(i));
            total += r.value().length;
        }
        assertThat(bytes).isEqualTo(total);
        // small but realistic: a few hundred bytes an entry
        assertThat(total / sent.size()).isBetween(200L, 1_000L);
    }

    @Test
    void theOutputCountsItsMarkerAcrossWritesAndKeepsNothing() {
        CountingNullOutput out = new CountingNullOutput(AuditLogBench.ENTRY_MARKER);
        byte[] text =
                "{\"entries\" : [ {\"logIndex\" : 0}, {\"logIndex\" : 1}, {\"\"logIndex\" : 2} ]}"
                        .getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= text.length; split++) {
            CountingNullOutput o = new CountingNullOutput(AuditLogBench.ENTRY_MARKER);
            o.write(text, 0, split);
            o.write(text, split, text.length - split);
            assertThat(o.markers()).as("split at %d", split).isEqualTo(3);
            assertThat(o.bytes()).isEqualTo(text.length);
        }
        for (byte b : "aaXaaaX".getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
        }
        assertThat(out.markers()).isZero();
        CountingNullOutput overlapping = new CountingNullOutput("aa");
        overlapping.write("aaa".getBytes(StandardCharsets.US_ASCII), 0, 3);
        assertThat(overlapping.markers()).isEqualTo(2);
    }

    /** Kept reachable while the sampler runs. */
    private static volatile byte[] held;

    @Test
    void theSamplerSeesWhatIsHeldWhileItRunsAndTheCollectorsWhatSurvives() throws Exception {
        long before = PeakHeap.usedAfterGc();
        try (PeakHeap peak = PeakHeap.start(Duration.ofMillis(5))) {
            held = new byte[64 * 1024 * 1024];
            held[held.length - 1] = 1;
            int collections = peak.collections();
            System.gc();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (peak.collections() == collections && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(50);
            assertThat(peak.samples()).isGreaterThan(1);
            assertThat(peak.peakUsed()).isGreaterThanOrEqualTo(before + 60L * 1024 * 1024);
            assertThat(peak.collections()).isGreaterThan(collections);
            assertThat(peak.peakAfterGc()).isGreaterThanOrEqualTo(60L * 1024 * 1024);
        } finally {
            held = null;
        }
    }

    @Test
    void theBenchmarkIsACommandOfLetheBench() {
        CommandLine cl = new CommandLine(new Bench());
        assertThat(cl.getSubcommands()).containsKey("audit-log");
        AuditLogBench b = (AuditLogBench) cl.getSubcommands().get("audit-log").getCommand();
        cl.parseArgs("audit-log", "--entries", "2000", "--kafka-port", "39092");
        assertThat(b.entries).isEqualTo(2_000);
        assertThat(b.entities).isEqualTo(50_000);
        assertThat(b.perTransaction).isEqualTo(5_000);
    }
}
