package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.cli.Lethe;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.TestJobArgs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery job on the real stack: the locations index follows a contact and their ticket
 * through insert, update, soft delete and hard delete within seconds; a mention of another contact
 * is that contact's location; {@code ./lethe subject find} and {@code export} answer from it; a
 * late replay never brings a deleted location back; bad input goes to the dead-letter topic.
 */
class DiscoveryITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The discovery job's settings for a test run {@code name} on the shared stack. */
    private static JobSettings settings(StackSettings s, String name) {
        return DiscoveryJob.settings(
                TestJobArgs.of(s, dev.lethe.local.ComponentRole.DISCOVERY, name, name, "2s")
                        .toArray(String[]::new));
    }

    /** Submits the discovery job to the shared stack's Flink. */
    private static JobClient submit(StackSettings s, JobSettings settings) throws Exception {
        return SetUpAndSubmit.discovery(SetUpAndSubmit.flinkOf(s), settings);
    }

    @Test
    void theIndexFollowsTheHelpdeskAndAnswersForEachPerson(@TempDir Path exportDir)
            throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobSettings settings = settings(s, "discovery-it-" + run);
        JobClient job = submit(s, settings);
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow())) {
            ElasticsearchClient es = clients.client();
            String annaEmail = "anna." + run + "@example.eu";
            String jeanEmail = "jean." + run + "@orange.fr";
            long anna;
            long jean;
            long ticket;
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "new customers").emit(c);
                anna =
                        insert(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email, phone, locale) VALUES ('Anna', 'Müller', ?, '030 23125000', 'de-DE') RETURNING id",
                                annaEmail);
                jean =
                        insert(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email, mobile, locale) VALUES ('Jean', 'Dupont', ?, '+33 6 12 34 56 78', 'fr-FR') RETURNING id",
                                jeanEmail);
                c.commit();
                Actor.customer(anna, "opened a ticket").emit(c);
                ticket =
                        insert(
                                c,
                                "INSERT INTO tickets (contact_id, subject, description, custom_fields) VALUES ("
                                        + anna
                                        + ", 'Rückruf', ?, '{\"iban\":\"DE89370400440532013000\"}'::jsonb) RETURNING id",
                                "Mein Kollege Jean Dupont ("
                                        + jeanEmail
                                        + ") hat dasselbe Problem, Tel. +33 6 12 34 56 78. Viele Grüße, Anna");
                c.commit();
            }
            String annaRow = "contacts/" + anna;
            String ticketRow = "tickets/" + ticket;

            // inserts: declared columns, the mention of Jean, the encrypted IBAN without its value
            List<JsonNode> ticketDocs = await(es, ticketRow, docs -> docs.size() >= 6);
            assertThat(kindsOf(ticketDocs))
                    .contains("contact_id", "encrypted", "email", "phone", "name");
            JsonNode jeanPhone = only(ticketDocs, "phone");
            assertThat(jeanPhone.path("value").asText()).isEqualTo("+33612345678");
            assertThat(ticketDocs.toString()).doesNotContain("DE89370400440532013000");
            assertThat(await(es, annaRow, docs -> docs.size() >= 5).toString())
                    .contains("+493023125000");

            // ./lethe subject find <jean's email>: Jean's own row and the mention in Anna's ticket
            JsonNode found =
                    JSON.readTree(
                            cli(
                                    "subject",
                                    "find",
                                    jeanEmail,
                                    "--json",
                                    "--data-dir",
                                    s.dataDir().toString()));
            JsonNode jeanFound = found.path("people").get(0);
            assertThat(jeanFound.path("subjectId").asText()).isEqualTo("contact:" + jean);
            List<String> records = new ArrayList<>();
            jeanFound
                    .path("locations")
                    .forEach(
                            l ->
                                    records.add(
                                            l.path("record").asText()
                                                    + "/"
                                                    + l.path("column").asText()));
            assertThat(records).contains("contacts/" + jean + "/email", ticketRow + "/description");

            // an update that removes the phone number removes that location
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "removed a phone number").emit(c);
                update(
                        c,
                        "UPDATE tickets SET description = 'Mein Kollege Jean Dupont hat dasselbe Problem. Viele Grüße, Anna' WHERE id = "
                                + ticket);
                c.commit();
            }
            List<JsonNode> afterEdit =
                    await(
                            es,
                            ticketRow,
                            docs ->
                                    kindsOf(docs).stream()
                                            .noneMatch(
                                                    k -> k.equals("phone") || k.equals("email")));
            assertThat(kindsOf(afterEdit)).contains("name", "encrypted");

            // soft delete: still in the helpdesk, so still located, marked
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "soft delete").emit(c);
                update(c, "UPDATE contacts SET deleted_at = now() WHERE id = " + anna);
                c.commit();
            }
            await(
                    es,
                    annaRow,
                    docs ->
                            !docs.isEmpty()
                                    && docs.stream()
                                            .allMatch(d -> d.path("softDeleted").asBoolean()));

            // export: Anna's package from the database, recorded in the audit requests topic
            cli(
                    "subject",
                    "export",
                    "contact:" + anna,
                    "--out",
                    exportDir.toString(),
                    "--reason",
                    "IT " + run,
                    "--data-dir",
                    s.dataDir().toString());
            JsonNode pkg =
                    JSON.readTree(exportDir.resolve("contact-" + anna + "-export.json").toFile());
            List<String> exported = new ArrayList<>();
            pkg.path("data")
                    .forEach(
                            i ->
                                    exported.add(
                                            i.path("column").asText()
                                                    + "="
                                                    + i.path("value").asText()));
            assertThat(exported)
                    .contains("email=" + annaEmail, "custom_fields.iban=DE89370400440532013000");
            assertThat(pkg.path("data").get(0).path("retention").asText()).isNotBlank();
            assertThat(Files.readString(exportDir.resolve("contact-" + anna + "-export.html")))
                    .contains("Müller");
            List<JsonNode> requests =
                    RawTopics.await(
                            s.kafkaBootstrap(),
                            "lethe.audit.requests",
                            v -> ("contact:" + anna).equals(v.path("subjectId").asText()),
                            1,
                            WAIT);
            assertThat(requests)
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.path("type").asText()).isEqualTo("export");
                                assertThat(r.toString()).doesNotContain(annaEmail);
                            });

            // hard delete: every location of the ticket and the contact goes
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.system("test", "hard delete").emit(c);
                update(c, "DELETE FROM tickets WHERE id = " + ticket);
                update(c, "DELETE FROM contacts WHERE id = " + anna);
                c.commit();
            }
            assertThat(await(es, ticketRow, List::isEmpty)).isEmpty();
            assertThat(await(es, annaRow, List::isEmpty)).isEmpty();

            // a late replay of Anna's insert does not bring her locations back
            JsonNode insertEvent =
                    RawTopics.await(
                                    s.kafkaBootstrap(),
                                    CaptureTopics.tableTopic("contacts"),
                                    v ->
                                            "c".equals(v.path("op").asText())
                                                    && annaEmail.equals(
                                                            v.path("after").path("email").asText()),
                                    1,
                                    WAIT)
                            .get(0);
            long poisonOffset;
            Properties pp = s.captureKafkaClient();
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(
                                new ProducerRecord<>(
                                        CaptureTopics.tableTopic("contacts"),
                                        ("{\"id\":" + anna + "}").getBytes(StandardCharsets.UTF_8),
                                        JSON.writeValueAsBytes(insertEvent)))
                        .get();
                poisonOffset =
                        p.send(
                                        new ProducerRecord<>(
                                                CaptureTopics.tableTopic("tickets"),
                                                "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                                                "{not json".getBytes(StandardCharsets.UTF_8)))
                                .get()
                                .offset();
            }
            // the poison record after the replay has reached the dead letters, so the replay was
            // processed
            DeadLetter letter = awaitDeadLetter(s, settings.deadLetterTopic(), poisonOffset);
            assertThat(letter.getReason()).isEqualTo("MALFORMED_JSON");
            assertThat(letter.getDetail()).doesNotContain("not json");
            // a barrier, not a sleep: a marker row's insert sent after the replay on the same
            // topic and partition; once the marker is indexed, the replay was processed before it
            long markerId = 8_000_000_000L + (System.nanoTime() % 1_000_000_000L);
            com.fasterxml.jackson.databind.node.ObjectNode marker = insertEvent.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) marker.path("after"))
                    .put("id", markerId)
                    .put("email", "marker." + run + "@example.eu");
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(
                                new ProducerRecord<>(
                                        CaptureTopics.tableTopic("contacts"),
                                        ("{\"id\":" + markerId + "}")
                                                .getBytes(StandardCharsets.UTF_8),
                                        JSON.writeValueAsBytes(marker)))
                        .get();
            }
            assertThat(await(es, "contacts/" + markerId, l -> !l.isEmpty())).isNotEmpty();
            assertThat(search(es, annaRow)).isEmpty();
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A contact whose first name is longer than Lucene's limit for one term (32,766 bytes; a form
     * that pasted a whole text into the name field). The production mapping indexes a declared name
     * as keywords ({@code value}, {@code folded}, {@code fullName}) without {@code ignore_above},
     * on purpose: a name is looked up exactly. So Elasticsearch rejects that row's name documents
     * (400, an immense term): they go to the dead-letter topic with the reason and the raw record's
     * position, the rest of the row is indexed, and so is the next contact.
     */
    @Test
    void aDocumentElasticsearchRejectsIsADeadLetterAndTheSinkGoesOn() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobSettings settings = settings(s, "discovery-reject-" + run);
        JobClient job = submit(s, settings);
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow())) {
            ElasticsearchClient es = clients.client();
            String pasted = ("Sehrgeehrtedamenundherren" + run).repeat(1_100); // > 32,766 bytes
            assertThat(pasted.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(32_766);
            String longEmail = "pasted." + run + "@example.eu";
            String nextEmail = "next." + run + "@example.eu";
            long longNamed;
            long next;
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "web form").emit(c);
                longNamed =
                        insert(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email, locale) VALUES (?, 'Krause', '"
                                        + longEmail
                                        + "', 'de-DE') RETURNING id",
                                pasted);
                c.commit();
                Actor.agent(7, "web form").emit(c);
                next =
                        insert(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email, locale) VALUES ('Lotte', 'Krause', ?, 'de-DE') RETURNING id",
                                nextEmail);
                c.commit();
            }
            String contactsTopic = CaptureTopics.tableTopic("contacts");
            long[] origin =
                    rawPosition(
                            s,
                            contactsTopic,
                            v -> longEmail.equals(v.path("after").path("email").asText()));

            List<DeadLetter> letters =
                    awaitDeadLetters(
                            s,
                            settings.deadLetterTopic(),
                            d ->
                                    d.getSourceTopic().equals(contactsTopic)
                                            && d.getSourceOffset() == origin[1],
                            2);
            assertThat(letters)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getReason()).isEqualTo("REJECTED_BY_ELASTICSEARCH");
                                assertThat(d.getJob()).isEqualTo("discovery/index");
                                assertThat(d.getSourcePartition()).isEqualTo((int) origin[0]);
                                assertThat(d.getDetail())
                                        .contains("contacts/" + longNamed + "/")
                                        .contains("status 400")
                                        // the immense term, named by field and type only
                                        .containsPattern(
                                                "document_parsing_exception: .*failed to parse"
                                                        + " field \\[(value|folded|fullName)\\]"
                                                        + " of type \\[keyword\\]")
                                        .doesNotContain("Sehrgeehrte")
                                        .doesNotContain("sehrgeehrte")
                                        .doesNotContain("Krause")
                                        .doesNotContain("krause")
                                        // the term's prefix as Lucene quotes it, in bytes
                                        .doesNotContain("[115, 101, 104, 114")
                                        .doesNotContain("[83, 101, 104, 114");
                            });
            assertThat(letters)
                    .extracting(DeadLetter::getDetail)
                    .anySatisfy(
                            d -> assertThat(d).contains("contacts/" + longNamed + "/first_name"));

            // the rest of that row, and the next row, are indexed: the sink did not stall
            assertThat(
                            kindsOf(
                                    await(
                                            es,
                                            "contacts/" + longNamed,
                                            docs -> kindsOf(docs).contains("email"))))
                    .doesNotContain("name");
            assertThat(kindsOf(await(es, "contacts/" + next, docs -> docs.size() >= 4)))
                    .contains("name", "email");
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A TRUNCATE of a governed table takes its rows' locations out of the index (the personal data
     * of rows that no longer exist), and leaves other tables' alone; a row written after it is
     * located as usual.
     */
    @Test
    void aTruncatedTablesLocationsLeaveTheIndex() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobClient job = submit(s, settings(s, "discovery-truncate-" + run));
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow())) {
            ElasticsearchClient es = clients.client();
            long contact;
            long consent;
            try (Connection c = StackProbe.connectPostgres(s)) {
                contact =
                        insert(
                                c,
                                "INSERT INTO contacts (first_name, last_name, email, locale)"
                                        + " VALUES ('Trude', 'Kater', ?, 'de-DE') RETURNING id",
                                "trude." + run + "@example.eu");
                consent =
                        insert(
                                c,
                                "INSERT INTO consents (contact_id, purpose, granted) VALUES ("
                                        + contact
                                        + ", ?, true) RETURNING id",
                                "newsletter");
            }
            await(es, "consents/" + consent, docs -> !docs.isEmpty());
            try (Connection c = StackProbe.connectPostgres(s);
                    PreparedStatement ps = c.prepareStatement("TRUNCATE consents")) {
                ps.execute();
            }
            await(es, "consents/" + consent, List::isEmpty);
            assertThat(search(es, "contacts/" + contact)).isNotEmpty();
            long after;
            try (Connection c = StackProbe.connectPostgres(s)) {
                after =
                        insert(
                                c,
                                "INSERT INTO consents (contact_id, purpose, granted) VALUES ("
                                        + contact
                                        + ", ?, false) RETURNING id",
                                "newsletter");
            }
            await(es, "consents/" + after, docs -> !docs.isEmpty());
        } finally {
            job.cancel().get();
        }
    }

    /**
     * An index written before full-name keys existed: {@link DiscoveryJob#upgradeIndex} adds the
     * field to its mapping and the keys to its declared name documents, keeping their versions.
     */
    @Test
    void anIndexFromBeforeFullNameKeysIsUpgradedInPlace() throws Exception {
        StackSettings s = SharedStack.settings();
        String index = "lethe-locations-upgrade-" + UUID.randomUUID().toString().substring(0, 8);
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow())) {
            ElasticsearchClient es = clients.client();
            String oldDefinition =
                    LocationDocument.indexDefinition()
                            .replace(
                                    "\"softDeleted\":  {\"type\": \"boolean\"},",
                                    "\"softDeleted\":  {\"type\": \"boolean\"}")
                            .replaceAll("\\s*\"fullName\":\\s*\\{\"type\": \"keyword\"\\}", "");
            assertThat(oldDefinition).doesNotContain("fullName");
            es.indices()
                    .create(r -> r.index(index).withJson(new java.io.StringReader(oldDefinition)));
            List<LocationDocument> old =
                    List.of(
                            oldName("contacts/1", "first_name", "Anna", 101),
                            oldName("contacts/1", "last_name", "Müller", 101),
                            oldName("contacts/2", "first_name", "  ", 102),
                            oldName("contacts/3", "first_name", "一郎", 103),
                            oldName("contacts/3", "last_name", "佐藤", 103));
            for (LocationDocument d : old) {
                es.index(
                        r ->
                                r.index(index)
                                        .id(d.id())
                                        .version(d.sourceLsn())
                                        .versionType(
                                                co.elastic.clients.elasticsearch._types.VersionType
                                                        .External)
                                        .withJson(new java.io.ByteArrayInputStream(d.toJson())));
            }
            es.indices().refresh(r -> r.index(index));

            assertThat(DiscoveryJob.upgradeIndex(clients, index, null)).isEqualTo(5);
            es.indices().refresh(r -> r.index(index));

            var annaFirst = es.get(r -> r.index(index).id("contacts/1/first_name"), JsonNode.class);
            assertThat(annaFirst.version()).isEqualTo(101);
            assertThat(annaFirst.source().path("fullName").toString())
                    .isEqualTo("[\"anna muller\",\"muller anna\"]");
            // keyed from the parts in catalog order, as the job keys a row
            assertThat(
                            es.get(r -> r.index(index).id("contacts/3/last_name"), JsonNode.class)
                                    .source()
                                    .path("fullName")
                                    .toString())
                    .isEqualTo("[\"一郎 佐藤\",\"佐藤 一郎\",\"佐藤一郎\"]");
            // a blank name is no longer a location
            assertThat(es.exists(r -> r.index(index).id("contacts/2/first_name")).value())
                    .isFalse();
            assertThat(
                            es.count(
                                            r ->
                                                    r.index(index)
                                                            .query(
                                                                    q ->
                                                                            q.term(
                                                                                    t ->
                                                                                            t.field(
                                                                                                            "fullName")
                                                                                                    .value(
                                                                                                            "muller anna"))))
                                    .count())
                    .isEqualTo(2);
            // nothing left to do the second time
            assertThat(DiscoveryJob.upgradeIndex(clients, index, null)).isZero();
        } finally {
            try (ElasticsearchConnection.Clients clients =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElseThrow())) {
                clients.client().indices().delete(r -> r.index(index).ignoreUnavailable(true));
            }
        }
    }

    private static LocationDocument oldName(String record, String column, String value, long lsn) {
        return TestLocations.declared(
                        "contact:" + record.substring(record.indexOf('/') + 1),
                        record,
                        column,
                        "name",
                        value.strip())
                .sourceLsn(lsn)
                .build();
    }

    // ---------------------------------------------------------------- helpers

    /** Partition and offset of the first record of {@code topic} whose value matches. */
    private static long[] rawPosition(StackSettings s, String topic, Predicate<JsonNode> matches)
            throws Exception {
        Properties p = s.kafkaClient();
        p.put("group.id", "it-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        try (var c =
                new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                        p,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(300))) {
                    if (r.value() == null) {
                        continue;
                    }
                    JsonNode v;
                    try {
                        v = JSON.readTree(r.value());
                    } catch (java.io.IOException malformed) {
                        continue; // other tests write malformed records on purpose
                    }
                    if (v != null && matches.test(v.has("payload") ? v.get("payload") : v)) {
                        return new long[] {r.partition(), r.offset()};
                    }
                }
            }
        }
        throw new AssertionError("no matching record in " + topic);
    }

    /** The first {@code count} dead letters of {@code topic} that match. */
    private static List<DeadLetter> awaitDeadLetters(
            StackSettings s, String topic, Predicate<DeadLetter> matches, int count)
            throws Exception {
        Properties p = s.kafkaClient();
        p.put("group.id", "it-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<DeadLetter> found = new ArrayList<>();
        try (var c =
                new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                        p,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && found.size() < count) {
                for (var r : c.poll(Duration.ofMillis(300))) {
                    DeadLetter d = DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value()));
                    if (matches.test(d)) {
                        found.add(d);
                    }
                }
            }
        }
        assertThat(found).as("dead letters in " + topic).hasSizeGreaterThanOrEqualTo(count);
        return found;
    }

    private static String cli(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code =
                    Lethe.run(
                            dev.lethe.testing.AuditTestJobs.direct(List.of(args))
                                    .toArray(String[]::new));
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as("./lethe " + String.join(" ", args) + "\n" + text).isZero();
        return text;
    }

    private static List<String> kindsOf(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("kind").asText()).toList();
    }

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> of =
                docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    private static List<JsonNode> search(ElasticsearchClient es, String recordId) throws Exception {
        es.indices().refresh(r -> r.index(LocationDocument.INDEX));
        var r =
                es.search(
                        q ->
                                q.index(LocationDocument.INDEX)
                                        .size(100)
                                        .query(
                                                x ->
                                                        x.term(
                                                                t ->
                                                                        t.field("recordId")
                                                                                .value(recordId))),
                        JsonNode.class);
        return r.hits().hits().stream().map(h -> (JsonNode) h.source()).toList();
    }

    private static List<JsonNode> await(
            ElasticsearchClient es, String recordId, Predicate<List<JsonNode>> done)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> docs = search(es, recordId);
        while (!done.test(docs) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            docs = search(es, recordId);
        }
        assertThat(done.test(docs)).as("locations of " + recordId + ": " + kindsOf(docs)).isTrue();
        return docs;
    }

    private static DeadLetter awaitDeadLetter(StackSettings s, String topic, long offset)
            throws Exception {
        Properties p = s.kafkaClient();
        p.put("group.id", "it-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        try (var c =
                new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                        p,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(300))) {
                    DeadLetter d = DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value()));
                    if (d.getSourceOffset() == offset
                            && d.getSourceTopic().equals(CaptureTopics.tableTopic("tickets"))) {
                        return d;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter for offset " + offset + " in " + topic);
    }

    private static long insert(Connection c, String sql, String param) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void update(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
