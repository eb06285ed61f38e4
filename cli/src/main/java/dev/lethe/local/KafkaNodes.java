package dev.lethe.local;

import dev.lethe.jobs.kafka.KafkaClients;
import dev.lethe.normalize.SizeLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The local Kafka cluster's layout: {@code count} KRaft nodes, each its own process and each broker
 * and controller ({@code process.roles=broker,controller}, every node a voter). Node 1 keeps the
 * one-broker stack's names and paths (component {@code kafka}, {@code <data-dir>/kafka}); node
 * {@code i > 1} is component {@code kafka-i} in {@code <data-dir>/kafka-i}. Node {@code i} listens
 * on {@code --kafka-port + 2(i-1)} for clients and {@code --kafka-controller-port + 2(i-1)} for the
 * controller quorum.
 *
 * <p>With one node nothing is replicated. With three to five every topic has three replicas and
 * takes a write once two of them have it ({@code min.insync.replicas=2}): one broker can be lost
 * without stopping a writer or losing an acknowledged record. Two nodes are refused: with two
 * replicas and a minimum of two in sync, losing either broker stops every writer.
 */
public record KafkaNodes(
        int count, int firstPort, int firstControllerPort, Optional<ProxiedListener> connect) {

    /** The flag that sets {@link #count}. */
    public static final String FLAG = "--kafka-brokers";

    public static final int MAX = 5;

    /** The name of the listener {@link #connect} adds. */
    public static final String CONNECT_LISTENER = "CONNECT";

    /**
     * A client listener of its own for Kafka Connect, on {@code port}, that the broker advertises
     * at {@code advertisedPort} (a proxy in front of it: the fault suite stalls the network between
     * Connect and Kafka there). SASL/SCRAM like the other client listener; one broker only.
     */
    public record ProxiedListener(int port, int advertisedPort) {}

    public KafkaNodes {
        requireValid(count);
        if (connect.isPresent() && count != 1) {
            throw new IllegalArgumentException(
                    "a listener of Connect's own (behind a proxy) is for one broker, not " + count);
        }
    }

    public KafkaNodes(int count, int firstPort, int firstControllerPort) {
        this(count, firstPort, firstControllerPort, Optional.empty());
    }

    /** Refuses a broker count Lethe does not run, saying what to use instead. */
    public static int requireValid(int count) {
        if (count == 1 || (count >= 3 && count <= MAX)) {
            return count;
        }
        throw new IllegalArgumentException(
                FLAG
                        + " must be 1 (one broker, no replication) or 3 to "
                        + MAX
                        + " (replication factor 3, min.insync.replicas 2: one broker may fail), got "
                        + count
                        + (count == 2
                                ? ": with 2 brokers the loss of either stops every write; use 3"
                                : ""));
    }

    /** The component name of node {@code node} (1-based): {@code kafka}, {@code kafka-2}, ... */
    public static String component(int node) {
        return node == 1 ? "kafka" : "kafka-" + node;
    }

    /** The node a component name stands for, if it is a Kafka node's. */
    public static Optional<Integer> nodeOf(String component) {
        if (component.equals("kafka")) {
            return Optional.of(1);
        }
        if (component.matches("kafka-[0-9]+")) {
            return Optional.of(Integer.parseInt(component.substring("kafka-".length())));
        }
        return Optional.empty();
    }

    /** Every node's component name, node 1 first. */
    public List<String> components() {
        return nodes().mapToObj(KafkaNodes::component).toList();
    }

    private IntStream nodes() {
        return IntStream.rangeClosed(1, count);
    }

    public int port(int node) {
        return firstPort + 2 * (node - 1);
    }

    public int controllerPort(int node) {
        return firstControllerPort + 2 * (node - 1);
    }

    /** Every port the nodes listen on; the first that two uses share, if any. */
    public Optional<Integer> clash() {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 1; i <= count; i++) {
            List<Integer> ports = new ArrayList<>(List.of(port(i), controllerPort(i)));
            if (i == 1) {
                connect.ifPresent(c -> ports.add(c.port()));
            }
            for (int p : ports) {
                if (!seen.add(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where Connect bootstraps from: its own listener's advertised address, else {@link
     * #bootstrap}.
     */
    public String connectBootstrap() {
        return connect.map(c -> "127.0.0.1:" + c.advertisedPort()).orElseGet(this::bootstrap);
    }

    /** The client address of every node, comma-separated: what every client bootstraps from. */
    public String bootstrap() {
        return String.join(",", nodes().mapToObj(i -> "127.0.0.1:" + port(i)).toList());
    }

    /** {@code controller.quorum.voters}: every node. */
    public String voters() {
        return String.join(
                ",", nodes().mapToObj(i -> i + "@127.0.0.1:" + controllerPort(i)).toList());
    }

    /** Replicas of every topic: 3 when there are three brokers or more, else 1. */
    public short replicationFactor() {
        return (short) (count >= 3 ? 3 : 1);
    }

    /** Replicas that must have a record before it is acknowledged: 2 with replication, else 1. */
    public int minInsyncReplicas() {
        return count >= 3 ? 2 : 1;
    }

    /** Node {@code node}'s directory: {@code <data-dir>/kafka} for node 1, else {@code kafka-i}. */
    public static Path dir(Path dataDir, int node) {
        return dataDir.resolve(component(node));
    }

    /** The file in node 1's directory that says for how many nodes its storage was formatted. */
    static Path formattedFile(Path dataDir) {
        return dir(dataDir, 1).resolve("brokers");
    }

    /**
     * For how many nodes this data directory's Kafka was formatted: empty when it never was; 1 for
     * a log directory formatted before the count was recorded.
     */
    static Optional<Integer> formattedFor(Path dataDir) {
        if (!Files.exists(dir(dataDir, 1).resolve("logs/meta.properties"))) {
            return Optional.empty(); // a start that failed before formatting binds nothing
        }
        Path f = formattedFile(dataDir);
        try {
            if (Files.isRegularFile(f)) {
                return Optional.of(Integer.parseInt(Files.readString(f).trim()));
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.of(-1);
        }
        return Optional.of(1);
    }

    /**
     * Why this data directory cannot run {@link #count} nodes, if it cannot: its Kafka storage was
     * formatted for another number of nodes (the quorum's voters are fixed at format time).
     */
    public Optional<String> formatProblem(Path dataDir) {
        return formattedFor(dataDir)
                .filter(n -> n != count)
                .map(
                        n ->
                                "the Kafka storage of "
                                        + dataDir
                                        + " was formatted for "
                                        + (n < 0 ? "an unknown number of" : String.valueOf(n))
                                        + " broker(s), not "
                                        + count
                                        + ": use a fresh --data-dir for "
                                        + FLAG
                                        + " "
                                        + count
                                        + (n > 0
                                                ? ", or " + FLAG + " " + n + " for this one"
                                                : ""));
    }

    /** Records for how many nodes the storage is formatted (before the first node formats it). */
    public void recordFormat(Path dataDir) throws java.io.IOException {
        Files.createDirectories(formattedFile(dataDir).getParent());
        if (formattedFor(dataDir).isEmpty()) {
            Files.writeString(formattedFile(dataDir), count + "\n", StandardCharsets.UTF_8);
        }
    }

    /**
     * Node {@code node}'s {@code server.properties} (no password: {@code KafkaBroker} adds the JAAS
     * logins in memory and checks the security lines are these).
     */
    public List<String> serverProperties(int node, Path logDir) {
        short rf = replicationFactor();
        int isr = minInsyncReplicas();
        List<String> lines = new ArrayList<>();
        lines.add("# written by ./lethe up; edits are overwritten; holds no password");
        // clients authenticate with SASL/SCRAM, the controller listener takes only the broker's
        // admin user (SASL/PLAIN), which every node knows: the nodes sign in to each other as it
        // (dev.lethe.stack.KafkaBroker.securityProperties, which it checks on start)
        lines.add(
                "listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,"
                        + "CONTROLLER:SASL_PLAINTEXT"
                        + connect.map(c -> "," + CONNECT_LISTENER + ":SASL_PLAINTEXT").orElse(""));
        lines.add("inter.broker.listener.name=SASL_PLAINTEXT");
        lines.add("sasl.enabled.mechanisms=" + KafkaClients.MECHANISM + ",PLAIN");
        lines.add("sasl.mechanism.inter.broker.protocol=PLAIN");
        lines.add("sasl.mechanism.controller.protocol=PLAIN");
        lines.add("listener.name.controller.sasl.enabled.mechanisms=PLAIN");
        // only what dev.lethe.stack.KafkaAcls grants is allowed; the broker's admin is super
        lines.add("authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        lines.add("super.users=User:admin");
        lines.add("process.roles=broker,controller");
        lines.add("node.id=" + node);
        lines.add("controller.quorum.voters=" + voters());
        lines.add(
                "listeners=SASL_PLAINTEXT://127.0.0.1:"
                        + port(node)
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort(node)
                        + connect.map(c -> "," + CONNECT_LISTENER + "://127.0.0.1:" + c.port())
                                .orElse(""));
        lines.add(
                "advertised.listeners=SASL_PLAINTEXT://127.0.0.1:"
                        + port(node)
                        + connect.map(
                                        c ->
                                                ","
                                                        + CONNECT_LISTENER
                                                        + "://127.0.0.1:"
                                                        + c.advertisedPort())
                                .orElse(""));
        connect.ifPresent(
                c ->
                        lines.add(
                                "listener.name.connect.sasl.enabled.mechanisms="
                                        + KafkaClients.MECHANISM));
        lines.add("controller.listener.names=CONTROLLER");
        lines.add("log.dirs=" + logDir);
        lines.add("num.partitions=1");
        lines.add("offsets.topic.num.partitions=4");
        lines.add("auto.create.topics.enable=false");
        lines.add("default.replication.factor=" + rf);
        lines.add("min.insync.replicas=" + isr);
        lines.add("offsets.topic.replication.factor=" + rf);
        lines.add("transaction.state.log.replication.factor=" + rf);
        lines.add("transaction.state.log.min.isr=" + isr);
        lines.add("share.coordinator.state.topic.replication.factor=" + rf);
        lines.add("share.coordinator.state.topic.min.isr=" + isr);
        if (count > 1) {
            // a replica that was not in sync never becomes leader: no acknowledged record is lost
            lines.add("unclean.leader.election.enable=false");
        }
        lines.add("group.initial.rebalance.delay.ms=0");
        lines.add("log.retention.check.interval.ms=60000");
        // Flink's exactly-once Kafka sink keeps transactions open up to a checkpoint
        lines.add("transaction.max.timeout.ms=3600000");
        // no single row stops capture: SizeLimits holds from Connect to the jobs
        lines.add("message.max.bytes=" + SizeLimits.MAX_MESSAGE_BYTES);
        lines.add("replica.fetch.max.bytes=" + SizeLimits.MAX_MESSAGE_BYTES);
        return lines;
    }
}
