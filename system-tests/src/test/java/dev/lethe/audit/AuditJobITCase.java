package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.crypto.Decrypted;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.audit.AuditDocuments;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.keys.EnvMasterKeySource;
import dev.lethe.keys.FileMasterKeySource;
import dev.lethe.keys.JdbcSubjectKeyStore;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The audit job on the real stack: changes written to PostgreSQL with their actors appear in the
 * audit log exactly once, attributed, chained and checkpointed (the core verifier accepts the log),
 * and indexed in Elasticsearch; a poison record lands in the dead-letter topic and the job goes on.
 */
class AuditJobITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void everyChangeIsAuditedOnceWithItsActorAndTheLogVerifies() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobSettings settings = AuditTestJobs.settings(s, "it-" + run, 3);
        StreamExecutionEnvironment env = SetUpAndSubmit.flinkOf(s);
        JobClient job = SetUpAndSubmit.audit(env, settings);
        try {
            String email = "audit." + run + "@example.eu";
            long contact;
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "created on the phone").emit(c);
                contact =
                        insertReturningId(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email, phone)"
                                        + " VALUES ('Anna', 'Audit', ?, '+49 30 1234567')"
                                        + " RETURNING id",
                                email);
                c.commit();
                Actor.customer(contact, "changed own phone").emit(c);
                update(c, "UPDATE contacts SET phone = '+33 1 23 45 67 89' WHERE id = ?", contact);
                c.commit();
                // a writer that names no actor: the helpdesk's actor trigger names the database
                // role, application and client
                try (PreparedStatement ps =
                        c.prepareStatement("SET application_name = 'audit-it'")) {
                    ps.execute();
                }
                update(c, "UPDATE contacts SET locale = 'fr' WHERE id = ?", contact);
                c.commit();
            }
            String entity = "contacts/" + contact;

            List<AuditEntry> mine =
                    awaitAudit(settings, e -> e.getEntityId().equals(entity), l -> l.size() >= 3);
            assertThat(mine)
                    .extracting(AuditEntry::getOp)
                    .containsExactly("INSERT", "UPDATE", "UPDATE");
            assertThat(mine).extracting(AuditEntry::getSeq).containsExactly(1L, 2L, 3L);
            assertThat(mine)
                    .extracting(e -> e.getActor().getType() + ":" + e.getActor().getId())
                    .containsExactly(
                            "agent:7", "customer:" + contact, "database:" + s.postgresUser());
            assertThat(mine.get(2).getActor().getReason())
                    .matches(
                            "application=audit-it; role="
                                    + s.postgresUser()
                                    + "; client=(local|[0-9a-f.:]+)");
            assertThat(mine.get(1).getChanges())
                    .singleElement()
                    .satisfies(
                            ch -> {
                                assertThat(ch.getColumn()).isEqualTo("phone");
                                assertThat(ch.getPersonal()).isTrue();
                                assertThat(ch.getAfter()).isInstanceOf(ByteBuffer.class);
                            });

            // a ticket naming another contact is encrypted for both of them: erasing that
            // contact hides the ticket's description, while the rest stays readable
            String otherEmail = "other." + run + "@example.eu";
            long other;
            long ticket;
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "new contact").emit(c);
                other =
                        insertReturningId(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email)"
                                        + " VALUES ('Otto', 'Other', ?) RETURNING id",
                                otherEmail);
                c.commit();
                Actor.customer(contact, "opened a ticket").emit(c);
                ticket =
                        insertTicket(
                                c, contact, "Invoice", "Please copy my colleague " + otherEmail);
                c.commit();
            }
            String ticketEntity = "tickets/" + ticket;
            AuditEntry opened =
                    awaitAudit(
                                    settings,
                                    e -> e.getEntityId().equals(ticketEntity),
                                    l -> !l.isEmpty())
                            .get(0);
            assertThat(opened.getSubjectIds())
                    .containsExactlyInAnyOrder("contact:" + other, "contact:" + contact)
                    .isSorted();
            try (SubjectKeys keys = SubjectKeys.open(s)) {
                SubjectCipher cipher = new SubjectCipher(keys.store());
                Object description = column(opened, "description").getAfter();
                assertThat(cipher.decrypt(bytes(description), ticketEntity + "#description"))
                        .isInstanceOf(Decrypted.Plaintext.class);

                keys.store().shred("contact:" + other, "it-" + run, "gdpr-art-17");

                assertThat(cipher.decrypt(bytes(description), ticketEntity + "#description"))
                        .isEqualTo(new Decrypted.Erased(List.of("contact:" + other)));
                assertThat(
                                cipher.decrypt(
                                        bytes(column(opened, "subject").getAfter()),
                                        ticketEntity + "#subject"))
                        .isInstanceOfSatisfying(
                                Decrypted.Plaintext.class,
                                p -> assertThat(p.text()).isEqualTo("Invoice"));
                assertThat(
                                cipher.decrypt(
                                        bytes(column(mine.get(0), "email").getAfter()),
                                        entity + "#email"))
                        .isInstanceOfSatisfying(
                                Decrypted.Plaintext.class,
                                p -> assertThat(p.text()).isEqualTo(email));
            }

            // a poison record straight into a raw topic
            long poisonOffset;
            Properties pp = s.captureKafkaClient();
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                RecordMetadata m =
                        p.send(
                                        new ProducerRecord<>(
                                                CaptureTopics.tableTopic("contacts"),
                                                "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                                                "{not json".getBytes(StandardCharsets.UTF_8)))
                                .get();
                poisonOffset = m.offset();
            }
            List<DeadLetter> letters =
                    await(
                            settings.deadLetterTopic(),
                            b -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)),
                            d -> d.getSourceOffset() == poisonOffset,
                            l -> !l.isEmpty());
            assertThat(letters)
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getReason()).isEqualTo("MALFORMED_JSON");
                                assertThat(d.getSourceTopic())
                                        .isEqualTo(CaptureTopics.tableTopic("contacts"));
                                assertThat(d.getSourcePartition()).isZero();
                            });

            // the job goes on after the poison record
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "soft delete").emit(c);
                update(c, "UPDATE contacts SET deleted_at = now() WHERE id = ?", contact);
                c.commit();
            }
            List<AuditEntry> log =
                    awaitAudit(
                            settings,
                            e -> true,
                            l ->
                                    l.stream().filter(e -> e.getEntityId().equals(entity)).count()
                                            >= 4);
            assertThat(log.stream().filter(e -> e.getEntityId().equals(entity)))
                    .extracting(AuditEntry::getSeq)
                    .containsExactly(1L, 2L, 3L, 4L);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            // each change exactly once: no two change entries of one entity share a source
            // position (Lethe's own records, e.g. purge receipts of other tests, have none)
            List<AuditEntry> changes =
                    log.stream().filter(e -> e.getKind().equals("change")).toList();
            assertThat(changes).isNotEmpty().allSatisfy(e -> assertThat(e.getLsn()).isNotNull());
            assertThat(changes.stream().map(e -> e.getEntityId() + "@" + e.getLsn()).distinct())
                    .hasSize(changes.size());

            // the whole log verifies against the signed checkpoints
            List<AuditCheckpoint> checkpoints =
                    await(
                            settings.auditCheckpointTopic(),
                            b -> AuditCheckpoint.fromByteBuffer(ByteBuffer.wrap(b)),
                            c -> true,
                            l -> !l.isEmpty() && l.get(l.size() - 1).getTreeSize() >= 4);
            var publicKey =
                    SigningKeys.readPublicKey(
                            s.dataDir().resolve("secrets").resolve(SigningKeys.PUBLIC_KEY_FILE));
            List<AuditEntry> covered =
                    log.subList(0, (int) checkpoints.get(checkpoints.size() - 1).getTreeSize());
            VerificationReport report =
                    new AuditVerifier(TreeHeadVerifier.trusting(publicKey))
                            .verify(covered, checkpoints);
            assertThat(report.ok()).as(report.describe()).isTrue();

            // browsable in Elasticsearch under deterministic ids
            try (ElasticsearchConnection.Clients es =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElseThrow())) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                boolean found = false;
                while (!found && System.nanoTime() < deadline) {
                    var doc =
                            es.client()
                                    .get(
                                            g ->
                                                    g.index(settings.auditIndex())
                                                            .id(
                                                                    AuditDocuments.documentId(
                                                                            mine.get(0))),
                                            ObjectNode.class);
                    found = doc.found();
                    if (found) {
                        assertThat(doc.source().path("actor").path("type").asText())
                                .isEqualTo("agent");
                        assertThat(doc.source().path("hash").asText())
                                .isEqualTo(hex(mine.get(0).getHash()));
                    } else {
                        Thread.sleep(500);
                    }
                }
                assertThat(found).as("audit document in Elasticsearch").isTrue();
            }
        } catch (AssertionError | RuntimeException e) {
            System.out.println("audit job " + job.getJobID() + ": " + job.getJobStatus().get());
            System.out.println(flinkRest(s, "/jobs/" + job.getJobID() + "/exceptions"));
            System.out.println(flinkRest(s, "/jobs/" + job.getJobID() + "/checkpoints"));
            throw e;
        } finally {
            job.cancel().get();
        }
    }

    private static List<AuditEntry> awaitAudit(
            JobSettings settings, Predicate<AuditEntry> filter, Predicate<List<AuditEntry>> done) {
        return await(
                settings.auditTopic(),
                b -> AuditEntry.fromByteBuffer(ByteBuffer.wrap(b)),
                filter,
                done);
    }

    /** Reads {@code topic} read_committed from the start until {@code done} or the timeout. */
    private static <T> List<T> await(
            String topic,
            AuditTestJobs.Decoder<T> decode,
            Predicate<T> filter,
            Predicate<List<T>> done) {
        return AuditTestJobs.read(topic, decode, filter, done, WAIT);
    }

    private static String flinkRest(StackSettings s, String path) {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            return http.send(
                            java.net.http.HttpRequest.newBuilder(s.flinkUrl().resolve(path))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "(no answer from Flink: " + e + ")";
        }
    }

    private static String hex(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static long insertReturningId(Connection c, String sql, String email) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, email);
            ResultSet rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long insertTicket(
            Connection c, long contactId, String subject, String description) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO tickets (contact_id, subject, description) VALUES (?, ?, ?)"
                                + " RETURNING id")) {
            ps.setLong(1, contactId);
            ps.setString(2, subject);
            ps.setString(3, description);
            ResultSet rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static AuditFieldChange column(AuditEntry entry, String column) {
        return entry.getChanges().stream()
                .filter(c -> c.getColumn().equals(column))
                .findFirst()
                .orElseThrow();
    }

    private static byte[] bytes(Object envelope) {
        ByteBuffer d = ((ByteBuffer) envelope).duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** The stack's subject key store, opened as the audit job opens it. */
    private record SubjectKeys(JdbcSubjectKeyStore store) implements AutoCloseable {
        static SubjectKeys open(StackSettings s) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(s.postgresJdbcUrl());
            ds.setUser(s.postgresUser());
            ds.setPassword(s.postgresPassword());
            return new SubjectKeys(
                    JdbcSubjectKeyStore.builder()
                            .dataSource(ds)
                            .masterKeys(
                                    System.getenv(EnvMasterKeySource.DEFAULT_VARIABLE) != null
                                            ? EnvMasterKeySource.fromEnvironment()
                                            : new FileMasterKeySource(
                                                    s.dataDir()
                                                            .resolve("secrets")
                                                            .resolve("master.key")))
                            .build());
        }

        @Override
        public void close() {}
    }

    private static void update(Connection c, String sql, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
