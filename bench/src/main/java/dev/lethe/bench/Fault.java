package dev.lethe.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A fault {@code ./lethe bench faults} injects into a running local stack, by the name given to
 * {@code --faults}.
 */
enum Fault {
    /** {@code kill -9} of the Kafka broker. */
    KAFKA("kafka", "kafka", "kill -9 of the Kafka broker"),
    /**
     * {@code kill -9} of Kafka broker 2 of a stack started with {@code --kafka-brokers 3} or more:
     * the others go on serving while the supervisor starts it again.
     */
    KAFKA_BROKER("kafka-broker", "kafka-2", "kill -9 of Kafka broker 2 of several"),
    /** {@code kill -9} of the Kafka Connect worker (Debezium). */
    CONNECT("connect", "connect", "kill -9 of Kafka Connect"),
    /** {@code kill -9} of the local Flink (JobManager and TaskManager). */
    FLINK("flink", "flink", "kill -9 of Flink"),
    /** {@code kill -9} of Elasticsearch. */
    ELASTICSEARCH("elasticsearch", "elasticsearch", "kill -9 of Elasticsearch"),
    /**
     * PostgreSQL's immediate shutdown (SIGQUIT to the postmaster: no checkpoint, crash recovery).
     */
    POSTGRES("postgres", "postgres", "PostgreSQL immediate shutdown"),
    /** Elasticsearch frozen (SIGSTOP), then let go (SIGCONT) after {@code --freeze}. */
    ELASTICSEARCH_FREEZE(
            "elasticsearch-freeze",
            "elasticsearch",
            "Elasticsearch frozen (SIGSTOP), then SIGCONT"),
    /**
     * The network between Lethe's jobs and Elasticsearch stalled (a netcrusher proxy the jobs reach
     * Elasticsearch through stops every byte, connections kept open), then let go after {@code
     * --stall}.
     */
    JOBS_ELASTICSEARCH_STALL(
            "jobs-elasticsearch-stall",
            null,
            "network between the jobs and Elasticsearch stalled (netcrusher), then let go"),
    /**
     * The network between the Kafka Connect worker (Debezium) and Kafka stalled (Connect reaches
     * Kafka through a listener of its own behind a netcrusher proxy), then let go after {@code
     * --stall}. One broker only.
     */
    CONNECT_KAFKA_STALL(
            "connect-kafka-stall",
            null,
            "network between Connect and Kafka stalled (netcrusher), then let go"),
    /** A plain {@code ./lethe down} and {@code ./lethe up} in the middle of the load. */
    RESTART("restart", null, "./lethe down + up");

    /** The faults {@code --faults} injects when not given: all of them. */
    static final String ALL =
            "kafka,connect,flink,elasticsearch,postgres,elasticsearch-freeze,"
                    + "jobs-elasticsearch-stall,connect-kafka-stall,restart";

    private final String option;
    private final String component;
    private final String description;

    Fault(String option, String component, String description) {
        this.option = option;
        this.component = component;
        this.description = description;
    }

    /** The name {@code --faults} takes. */
    String option() {
        return option;
    }

    /** The component whose process the fault hits; null for the whole stack or a network. */
    String component() {
        return component;
    }

    String description() {
        return description;
    }

    /** Whether the fault ends the component's process, which the supervisor then starts again. */
    boolean endsProcess() {
        return component != null && this != ELASTICSEARCH_FREEZE;
    }

    /** Whether the fault needs the jobs to reach Elasticsearch through a proxy of the bench's. */
    static boolean stallsJobsToElasticsearch(List<Fault> faults) {
        return faults.contains(JOBS_ELASTICSEARCH_STALL);
    }

    /** Whether the fault needs Connect to reach Kafka through a proxy of the bench's. */
    static boolean stallsConnectToKafka(List<Fault> faults) {
        return faults.contains(CONNECT_KAFKA_STALL);
    }

    /**
     * The faults named in {@code list} (comma-separated, each once, in the given order).
     *
     * @throws IllegalArgumentException naming an unknown fault and the known ones
     */
    static List<Fault> parse(String list) {
        Set<Fault> faults = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            Fault f =
                    Arrays.stream(values())
                            .filter(v -> v.option.equals(n))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "--faults: unknown fault '"
                                                            + name.trim()
                                                            + "'; known: "
                                                            + Arrays.stream(values())
                                                                    .map(Fault::option)
                                                                    .collect(
                                                                            Collectors.joining(
                                                                                    ", "))));
            faults.add(f);
        }
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("--faults: name at least one fault; known: " + ALL);
        }
        return List.copyOf(faults);
    }

    /**
     * Refuses a fault the stack cannot take: {@link #KAFKA_BROKER} needs several brokers, {@link
     * #CONNECT_KAFKA_STALL} one.
     *
     * @param brokers the stack's {@code --kafka-brokers}
     */
    static void requireStack(List<Fault> faults, int brokers) {
        if (faults.contains(KAFKA_BROKER) && brokers < 3) {
            throw new IllegalArgumentException(
                    "--faults kafka-broker kills one of several Kafka brokers: run it with"
                            + " --kafka-brokers 3 (this stack has "
                            + brokers
                            + ")");
        }
        if (faults.contains(CONNECT_KAFKA_STALL) && brokers != 1) {
            throw new IllegalArgumentException(
                    "--faults connect-kafka-stall proxies the one broker's listener for Connect:"
                            + " run it with one broker, or leave it out of --faults with"
                            + " --kafka-brokers "
                            + brokers);
        }
    }

    /**
     * The order the faults are injected in: {@code faults} round after round, {@code repeat}
     * rounds, so that no component is hit twice in a row.
     */
    static List<Fault> schedule(List<Fault> faults, int repeat) {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1");
        }
        List<Fault> order = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            order.addAll(faults);
        }
        return order;
    }
}
