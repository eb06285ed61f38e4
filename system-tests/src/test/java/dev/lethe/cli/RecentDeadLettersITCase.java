package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.DeadLetter;
import dev.lethe.local.ComponentHealth;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code ./lethe status} counts the dead letters of the last hour by reason and source, from the
 * topic's timestamp index: older ones are not counted, and no value is printed.
 */
class RecentDeadLettersITCase {

    @Test
    void deadLettersOfTheLastHourAreCountedByReasonAndOlderOnesAreNot() throws Exception {
        StackSettings s = SharedStack.settings();
        String topic = "lethe.deadletter.status-" + UUID.randomUUID().toString().substring(0, 8);
        Properties p = s.kafkaClient();
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            send(
                    producer,
                    topic,
                    now.minus(Duration.ofHours(2)),
                    "MALFORMED_JSON",
                    "helpdesk.public.tickets");
            send(
                    producer,
                    topic,
                    now.minusSeconds(60),
                    "SCHEMA_CHANGE",
                    "helpdesk.public.contacts");
            send(
                    producer,
                    topic,
                    now.minusSeconds(30),
                    "SCHEMA_CHANGE",
                    "helpdesk.public.contacts");
            send(
                    producer,
                    topic,
                    now.minusSeconds(10),
                    "MALFORMED_JSON",
                    "helpdesk.public.tickets");
            producer.flush();
        }

        RecentDeadLetters recent =
                RecentDeadLetters.read(s.kafkaClient(), topic, now.minus(RecentDeadLetters.WINDOW));

        assertThat(recent.total()).isEqualTo(3);
        assertThat(recent.byReason())
                .containsExactly(Map.entry("MALFORMED_JSON", 1L), Map.entry("SCHEMA_CHANGE", 2L));
        assertThat(recent.bySource())
                .containsEntry("helpdesk.public.contacts", 2L)
                .containsEntry("helpdesk.public.tickets", 1L);

        // ./lethe deadletters lists them one by one, oldest first, filtered by reason
        assertThat(recent.letters())
                .extracting(RecentDeadLetters.Letter::reason)
                .containsExactly("SCHEMA_CHANGE", "SCHEMA_CHANGE", "MALFORMED_JSON");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        int listCode;
        try {
            System.setOut(
                    new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
            listCode =
                    Lethe.run(
                            "deadletters",
                            "--since",
                            "3h",
                            "--reason",
                            "MALFORMED_JSON",
                            "--topic",
                            topic,
                            "--json",
                            "--data-dir",
                            s.dataDir().toString());
        } finally {
            System.setOut(previous);
        }
        assertThat(listCode).isZero();
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("secret-value");
        var listed =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(listed.path("total").asLong()).isEqualTo(4);
        assertThat(listed.path("letters")).hasSize(2);
        assertThat(listed.path("letters").get(0).path("sourceTopic").asText())
                .isEqualTo("helpdesk.public.tickets");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code =
                StatusCommand.print(
                        List.of(
                                new ComponentHealth(
                                        "kafka",
                                        s.kafkaBootstrap(),
                                        true,
                                        true,
                                        null,
                                        "1 broker(s)")),
                        StatusCommand.Findings.NONE.withDeadLetters(recent),
                        true,
                        new PrintStream(out, true, StandardCharsets.UTF_8));
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(json)
                .contains("\"deadletters\"")
                .contains("\"health\" : \"attention\"")
                .contains("\"lastHour\" : 3")
                .doesNotContain("secret-value");

        RecentDeadLetters none =
                RecentDeadLetters.read(
                        s.kafkaClient(), "lethe.deadletter.absent-" + UUID.randomUUID(), now);
        assertThat(none.total()).isZero();
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            Instant at,
            String reason,
            String source)
            throws Exception {
        DeadLetter d =
                DeadLetter.newBuilder()
                        .setJob("test")
                        .setReason(reason)
                        .setDetail("column x")
                        .setSourceTopic(source)
                        .setSourcePartition(0)
                        .setSourceOffset(1)
                        .setRawKey(null)
                        .setRawValue(
                                java.nio.ByteBuffer.wrap(
                                        "secret-value".getBytes(StandardCharsets.UTF_8)))
                        .setFailedAt(at)
                        .build();
        byte[] bytes = d.toByteBuffer().array();
        producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), null, bytes)).get();
    }
}
