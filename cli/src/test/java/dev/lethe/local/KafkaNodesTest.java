package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaNodesTest {

    @TempDir Path dataDir;

    private static Properties props(KafkaNodes nodes, int node) throws Exception {
        Properties p = new Properties();
        p.load(
                new java.io.StringReader(
                        String.join("\n", nodes.serverProperties(node, Path.of("/d/logs")))));
        return p;
    }

    @Test
    void oneBrokerKeepsTheLayoutOfTheOneBrokerStack() throws Exception {
        KafkaNodes one = new KafkaNodes(1, 19092, 19093);
        assertThat(one.components()).containsExactly("kafka");
        assertThat(one.bootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(KafkaNodes.dir(dataDir, 1)).isEqualTo(dataDir.resolve("kafka"));
        Properties p = props(one, 1);
        assertThat(p.getProperty("node.id")).isEqualTo("1");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
        assertThat(p.getProperty("listeners"))
                .isEqualTo("SASL_PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
        assertThat(p.getProperty("advertised.listeners"))
                .isEqualTo("SASL_PLAINTEXT://127.0.0.1:19092");
        assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("transaction.state.log.min.isr")).isEqualTo("1");
        assertThat(p.getProperty("default.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("min.insync.replicas")).isEqualTo("1");
        assertThat(one.replicationFactor()).isEqualTo((short) 1);
        assertThat(one.minInsyncReplicas()).isEqualTo(1);
    }

    @Test
    void threeBrokersAreThreeVotersOnPortsTwoApartEachWithItsOwnLogDirectory() throws Exception {
        KafkaNodes three = new KafkaNodes(3, 19092, 19093);
        assertThat(three.components()).containsExactly("kafka", "kafka-2", "kafka-3");
        assertThat(three.bootstrap()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096");
        assertThat(KafkaNodes.dir(dataDir, 3)).isEqualTo(dataDir.resolve("kafka-3"));
        for (int node = 1; node <= 3; node++) {
            Properties p = props(three, node);
            assertThat(p.getProperty("node.id")).isEqualTo(String.valueOf(node));
            assertThat(p.getProperty("process.roles")).isEqualTo("broker,controller");
            assertThat(p.getProperty("controller.quorum.voters"))
                    .isEqualTo("1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097");
        }
        Properties second = props(three, 2);
        assertThat(second.getProperty("listeners"))
                .isEqualTo("SASL_PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095");
        assertThat(second.getProperty("advertised.listeners"))
                .isEqualTo("SASL_PLAINTEXT://127.0.0.1:19094");
        assertThat(second.getProperty("log.dirs")).isEqualTo("/d/logs");
    }

    @Test
    void threeBrokersReplicateEveryTopicThreeTimesAndAcknowledgeOnTwo() throws Exception {
        KafkaNodes three = new KafkaNodes(3, 19092, 19093);
        assertThat(three.replicationFactor()).isEqualTo((short) 3);
        assertThat(three.minInsyncReplicas()).isEqualTo(2);
        Properties p = props(three, 3);
        assertThat(p)
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.min.isr", "2")
                .containsEntry("unclean.leader.election.enable", "false");
        // five brokers: still three replicas, two in sync
        assertThat(new KafkaNodes(5, 19092, 19093).replicationFactor()).isEqualTo((short) 3);
        assertThat(new KafkaNodes(5, 19092, 19093).minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void everyNodeHasTheSecurityTheBrokerChecksForAndNoPassword() throws Exception {
        KafkaNodes three = new KafkaNodes(3, 19092, 19093);
        for (int node = 1; node <= 3; node++) {
            Properties p = props(three, node);
            // what dev.lethe.stack.KafkaBroker requires before it starts (securityProperties)
            assertThat(p)
                    .containsEntry("inter.broker.listener.name", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism.inter.broker.protocol", "PLAIN")
                    .containsEntry("sasl.mechanism.controller.protocol", "PLAIN")
                    .containsEntry("listener.name.controller.sasl.enabled.mechanisms", "PLAIN")
                    .containsEntry("super.users", "User:admin")
                    .containsEntry(
                            "authorizer.class.name",
                            "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            assertThat(p.stringPropertyNames()).noneMatch(k -> k.contains("jaas"));
        }
    }

    @Test
    void connectsOwnListenerIsAdvertisedWhereItsProxyListensAndTakesScramOnly() throws Exception {
        KafkaNodes one =
                new KafkaNodes(
                        1, 19092, 19093, Optional.of(new KafkaNodes.ProxiedListener(19500, 19600)));
        Properties p = props(one, 1);
        assertThat(p.getProperty("listeners"))
                .isEqualTo(
                        "SASL_PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,"
                                + "CONNECT://127.0.0.1:19500");
        assertThat(p.getProperty("advertised.listeners"))
                .isEqualTo("SASL_PLAINTEXT://127.0.0.1:19092,CONNECT://127.0.0.1:19600");
        assertThat(p.getProperty("listener.security.protocol.map"))
                .endsWith(",CONNECT:SASL_PLAINTEXT");
        assertThat(p)
                .containsEntry("listener.name.connect.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        assertThat(one.connectBootstrap()).isEqualTo("127.0.0.1:19600");
        assertThat(one.bootstrap()).isEqualTo("127.0.0.1:19092"); // everyone else: direct
        assertThat(new KafkaNodes(1, 19092, 19093).connectBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(
                        new KafkaNodes(
                                        1,
                                        19092,
                                        19093,
                                        Optional.of(new KafkaNodes.ProxiedListener(19093, 19600)))
                                .clash())
                .contains(19093);
        assertThatThrownBy(
                        () ->
                                new KafkaNodes(
                                        3,
                                        19092,
                                        19093,
                                        Optional.of(new KafkaNodes.ProxiedListener(19500, 19600))))
                .hasMessageContaining("one broker");
    }

    @Test
    void twoBrokersAndOtherCountsAreRefusedSayingWhatToUse() {
        assertThatThrownBy(() -> new KafkaNodes(2, 19092, 19093))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kafka-brokers must be 1")
                .hasMessageContaining("3 to 5")
                .hasMessageContaining("use 3");
        for (int n : List.of(0, -1, 6)) {
            assertThatThrownBy(() -> KafkaNodes.requireValid(n))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--kafka-brokers must be 1 (one broker, no replication)")
                    .hasMessageContaining("got " + n);
        }
        assertThat(KafkaNodes.requireValid(4)).isEqualTo(4);
    }

    @Test
    void clashingPortsAreFound() {
        assertThat(new KafkaNodes(3, 19092, 19093).clash()).isEmpty();
        assertThat(new KafkaNodes(3, 19092, 19094).clash()).contains(19094);
        assertThat(new KafkaNodes(1, 19092, 19094).clash()).isEmpty();
    }

    @Test
    void componentNamesMapToNodes() {
        assertThat(KafkaNodes.nodeOf("kafka")).contains(1);
        assertThat(KafkaNodes.nodeOf("kafka-3")).contains(3);
        assertThat(KafkaNodes.nodeOf("connect")).isEmpty();
        assertThat(KafkaNodes.nodeOf("kafka-x")).isEmpty();
    }

    @Test
    void aDataDirectoryFormattedForAnotherNumberOfBrokersIsRefused() throws Exception {
        KafkaNodes one = new KafkaNodes(1, 19092, 19093);
        KafkaNodes three = new KafkaNodes(3, 19092, 19093);
        // never formatted: either is fine
        assertThat(three.formatProblem(dataDir)).isEmpty();
        assertThat(one.formatProblem(dataDir)).isEmpty();
        // a log directory formatted before the count was recorded: one broker
        Files.createDirectories(dataDir.resolve("kafka/logs"));
        Files.writeString(dataDir.resolve("kafka/logs/meta.properties"), "node.id=1\n");
        assertThat(one.formatProblem(dataDir)).isEmpty();
        assertThat(three.formatProblem(dataDir))
                .hasValueSatisfying(
                        m ->
                                assertThat(m)
                                        .contains("formatted for 1 broker(s), not 3")
                                        .contains("use a fresh --data-dir")
                                        .contains("--kafka-brokers 1 for this one"));
        // recording never overwrites what the storage was formatted for
        three.recordFormat(dataDir);
        assertThat(KafkaNodes.formattedFor(dataDir)).contains(1);
    }

    @Test
    void theCountIsRecordedBeforeTheFirstFormat() throws Exception {
        KafkaNodes three = new KafkaNodes(3, 19092, 19093);
        three.recordFormat(dataDir);
        // a start that failed before the brokers formatted their storage binds nothing
        assertThat(KafkaNodes.formattedFor(dataDir)).isEmpty();
        new KafkaNodes(1, 19092, 19093).recordFormat(dataDir);
        three.recordFormat(dataDir);
        Files.createDirectories(dataDir.resolve("kafka/logs"));
        Files.writeString(dataDir.resolve("kafka/logs/meta.properties"), "node.id=1\n");
        assertThat(three.formatProblem(dataDir)).isEmpty();
        assertThat(new KafkaNodes(1, 19092, 19093).formatProblem(dataDir))
                .hasValueSatisfying(
                        m -> assertThat(m).contains("formatted for 3 broker(s), not 1"));
        assertThat(Map.of("n", KafkaNodes.formattedFor(dataDir)))
                .containsEntry("n", java.util.Optional.of(3));
    }
}
