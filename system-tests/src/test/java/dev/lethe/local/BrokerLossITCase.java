package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.simulator.LoadGenerator;
import dev.lethe.simulator.LoadResult;
import dev.lethe.testing.AuditTestJobs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 14: a stack of its own with {@code --kafka-brokers 3} (not the shared one), under a steady
 * load, loses with {@code kill -9} the broker that leads the most partitions of the raw change
 * topics; the other two go on through leader election, the supervisor starts it again. Every change
 * PostgreSQL committed on a governed table (an independent {@code test_decoding} slot made before
 * the load) is in the audit log of the jobs {@code up} submitted exactly once by (entity, LSN),
 * {@code audit reconcile} agrees, and {@code status} shows the three brokers healthy.
 */
class BrokerLossITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOT = "it_broker_loss";

    @Test
    void aBrokerKilledUnderLoadLosesAndDoublesNoChange() throws Exception {
        Path dir =
                Path.of(System.getProperty("lethe.it.dir", "target/it"))
                        .toAbsolutePath()
                        .normalize()
                        .resolve("brokers");
        deleteTree(dir);
        Files.createDirectories(dir);
        Path esDir =
                Path.of("/var/tmp", "lethe-es-it-brokers-" + Integer.toHexString(dir.hashCode()));
        deleteTree(esDir.resolve("data"));
        deleteTree(esDir.resolve("config"));
        int kafka = sixFreePorts();
        int[] ports = freePorts(6);
        List<String> args =
                List.of(
                        "--data-dir", dir.toString(),
                        "--elasticsearch-dir", esDir.toString(),
                        "--kafka-brokers", "3",
                        "--kafka-port", String.valueOf(kafka),
                        "--kafka-controller-port", String.valueOf(kafka + 1),
                        "--postgres-port", String.valueOf(ports[0]),
                        "--connect-port", String.valueOf(ports[1]),
                        "--elasticsearch-port", String.valueOf(ports[2]),
                        "--elasticsearch-transport-port", String.valueOf(ports[3]),
                        "--flink-port", String.valueOf(ports[4]),
                        "--server-port", String.valueOf(ports[5]));
        // resolving this stack's settings publishes its passwords as the process's secrets:
        // the tests after this one use the shared stack's again
        Properties secrets = (Properties) System.getProperties().clone();
        LocalStack stack = new LocalStack(resolve(args), System.out);
        try {
            long t0 = System.nanoTime();
            stack.up();
            System.out.printf("3-broker stack up in %d s%n", seconds(t0));
            // resolved again: up recorded the settings and made the passwords
            StackSettings s = resolve(List.of("--data-dir", dir.toString()));
            assertThat(s.kafkaBrokers()).as("recorded in stack.json").isEqualTo(3);
            stack.ensureSupervisor();

            try (IndependentSlot slot =
                    IndependentSlot.create(s, SLOT, IndependentSlot.governedTables())) {
                CompletableFuture<LoadResult> loading =
                        LoadGenerator.builder()
                                .dataSource(s.postgresDataSource("lethe-it-broker-loss"))
                                .rate(40)
                                .duration(Duration.ofSeconds(90))
                                .seed(1414)
                                .build()
                                .runInBackground();
                Thread.sleep(20_000);

                int leader = leaderOfMostRawPartitions(s);
                String component = KafkaNodes.component(leader);
                long pid = stack.pids().get(component);
                System.out.printf(
                        "kill -9 of %s (pid %d), leader of the most raw partitions%n",
                        component, pid);
                long killedAt = System.nanoTime();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());

                awaitRestartedAndServing(stack, s, component, pid, Duration.ofSeconds(240));
                System.out.printf(
                        "%s started again and serving after %d s%n", component, seconds(killedAt));

                LoadResult loaded = loading.get(5, TimeUnit.MINUTES);
                assertThat(loaded.total()).as("the load ran").isGreaterThan(1000);

                IndependentSlot.commitMarker(s, "broker-loss");
                List<String> committed = slot.read();
                assertThat(committed)
                        .as("changes from the independent slot")
                        .hasSizeGreaterThan(1000);
                Map<String, Integer> logged =
                        IndependentSlot.awaitLogged(s, committed, Duration.ofMinutes(5));
                IndependentSlot.Comparison compared =
                        IndependentSlot.compareCounts(committed, logged);
                assertThat(compared.missing()).as("committed changes never logged").isEmpty();
                assertThat(compared.doubled()).as("changes logged twice").isEmpty();

                AuditTestJobs.Cli reconciled =
                        AuditTestJobs.cli(
                                List.of(
                                        "audit",
                                        "reconcile",
                                        "--json",
                                        "--settle",
                                        "120s",
                                        "--data-dir",
                                        dir.toString()));
                assertThat(reconciled.code()).as(reconciled.out()).isZero();
                assertThat(JSON.readTree(reconciled.out()).path("rawChanges").asLong())
                        .isGreaterThanOrEqualTo(committed.size());
            }

            // after the load: the transaction state and the groups' offsets exist by now
            assertReplicated(s);

            AuditTestJobs.Cli status =
                    AuditTestJobs.cli(List.of("status", "--json", "--data-dir", dir.toString()));
            JsonNode st = JSON.readTree(status.out());
            for (int node = 1; node <= 3; node++) {
                JsonNode b = st.path(KafkaNodes.component(node));
                assertThat(b.path("healthy").asBoolean())
                        .as(KafkaNodes.component(node) + " in status: " + b)
                        .isTrue();
                assertThat(b.path("address").asText())
                        .isEqualTo("127.0.0.1:" + (kafka + 2 * (node - 1)));
            }
        } finally {
            stack.down();
            System.setProperties(secrets);
        }
    }

    /** The raw topics, Lethe's topics and the internal ones: three replicas, two in sync. */
    private static void assertReplicated(StackSettings s) throws Exception {
        List<String> topics = new ArrayList<>(CaptureTopics.all());
        topics.add(JobSettings.DEFAULT_AUDIT_TOPIC);
        topics.add("lethe-connect-offsets");
        topics.add("__consumer_offsets");
        topics.add("__transaction_state");
        try (Admin admin = Admin.create(admin(s))) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicDescription d : described.values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    assertThat(p.replicas()).as(d.name() + " replicas").hasSize(3);
                }
            }
            List<ConfigResource> resources =
                    topics.stream()
                            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .toList();
            admin.describeConfigs(resources)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach(
                            (r, c) ->
                                    assertThat(c.get("min.insync.replicas").value())
                                            .as(r.name() + " min.insync.replicas")
                                            .isEqualTo("2"));
        }
    }

    /** The brokers' own admin (the only super user): it may describe every topic. */
    private static Properties admin(StackSettings s) throws IOException {
        return dev.lethe.testing.BrokerAdmin.properties(s);
    }

    private static int leaderOfMostRawPartitions(StackSettings s) throws Exception {
        Map<Integer, Integer> led = new HashMap<>();
        try (Admin admin = Admin.create(s.kafkaClient())) {
            for (TopicDescription d :
                    admin.describeTopics(CaptureTopics.all())
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    if (p.leader() != null) {
                        led.merge(p.leader().id(), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.println("raw partitions led, by broker: " + led);
        return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Until the supervisor started {@code component} again and every broker serves. */
    private static void awaitRestartedAndServing(
            LocalStack stack, StackSettings s, String component, long killed, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Long now = stack.pids().get(component);
            List<String> unhealthy = new ArrayList<>();
            for (ComponentHealth h : new StackProbe(s, Map.of()).kafkaBrokers()) {
                if (!h.healthy()) {
                    unhealthy.add(h.component() + ": " + h.detail());
                }
            }
            if (now != null && now != killed && unhealthy.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("restarted (pid " + now + ") and serving: " + unhealthy)
                    .isLessThan(deadline);
            Thread.sleep(1000);
        }
    }

    private static StackSettings resolve(List<String> args) {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs(args.toArray(String[]::new));
        return o.resolve();
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    /** A base port p such that p .. p+5 are free (three brokers, two ports each). */
    private static int sixFreePorts() {
        for (int base = 29500; base < 29900; base += 10) {
            boolean free = true;
            for (int i = 0; i < 6 && free; i++) {
                free = LocalStack.portFree(base + i);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no six free ports from 29500");
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return ports;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var paths = Files.walk(p)) {
            for (Path q : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
