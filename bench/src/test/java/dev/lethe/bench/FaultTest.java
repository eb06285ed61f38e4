package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {

    @Test
    void theDefaultInjectsEveryFaultButTheOneThatNeedsSeveralBrokers() {
        assertThat(Fault.parse(Fault.ALL))
                .containsExactlyInAnyOrder(
                        java.util.Arrays.stream(Fault.values())
                                .filter(f -> f != Fault.KAFKA_BROKER)
                                .toArray(Fault[]::new));
    }

    @Test
    void killingOneOfSeveralBrokersNeedsThreeBrokers() {
        List<Fault> faults = Fault.parse("kafka-broker,flink");
        assertThat(faults.get(0).component()).isEqualTo("kafka-2");
        assertThat(faults.get(0).endsProcess()).isTrue();
        assertThatThrownBy(() -> Fault.requireStack(faults, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kafka-brokers 3");
        Fault.requireStack(faults, 3); // taken
        Fault.requireStack(List.of(Fault.KAFKA), 1); // taken
    }

    @Test
    void killingOneOfSeveralBrokersOnOneBrokerStopsWithItsMessage() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Bench.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        int code =
                cl.execute(
                        "faults",
                        "--faults",
                        "kafka-broker",
                        "--data-dir",
                        System.getProperty("java.io.tmpdir") + "/lethe-fault-test-none",
                        "--kafka-brokers",
                        "1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("--faults kafka-broker kills one of several Kafka brokers")
                .doesNotContain("\tat ");
    }

    @Test
    void faultsAreNamedAsGivenOnceEachInTheirOrder() {
        assertThat(Fault.parse(" Flink,kafka,flink,,elasticsearch-freeze"))
                .containsExactly(Fault.FLINK, Fault.KAFKA, Fault.ELASTICSEARCH_FREEZE);
    }

    @Test
    void anUnknownFaultIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> Fault.parse("kafka,zookeeper"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown fault 'zookeeper'")
                .hasMessageContaining("elasticsearch-freeze");
        assertThatThrownBy(() -> Fault.parse(" , "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    @Test
    void aBadArgumentStopsWithItsMessageNotAStackTrace() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Bench.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("faults", "--faults", "kafka,zookeeper");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("lethe bench: --faults: unknown fault 'zookeeper'")
                .doesNotContain("\tat ");
    }

    @Test
    void roundsNeverHitOneComponentTwiceInARow() {
        assertThat(Fault.schedule(List.of(Fault.KAFKA, Fault.FLINK), 3))
                .containsExactly(
                        Fault.KAFKA,
                        Fault.FLINK,
                        Fault.KAFKA,
                        Fault.FLINK,
                        Fault.KAFKA,
                        Fault.FLINK);
        assertThatThrownBy(() -> Fault.schedule(List.of(Fault.KAFKA), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyAFreezeAStalledNetworkAndARestartLeaveTheProcess() {
        assertThat(List.of(Fault.values()).stream().filter(f -> !f.endsProcess()))
                .containsExactly(
                        Fault.ELASTICSEARCH_FREEZE,
                        Fault.JOBS_ELASTICSEARCH_STALL,
                        Fault.CONNECT_KAFKA_STALL,
                        Fault.RESTART);
        assertThat(Fault.RESTART.component()).isNull();
        assertThat(Fault.JOBS_ELASTICSEARCH_STALL.component()).isNull();
        assertThat(Fault.ELASTICSEARCH_FREEZE.component()).isEqualTo("elasticsearch");
    }

    @Test
    void onlyAStalledNetworkPutsAProxyInBetween() {
        assertThat(Fault.stallsJobsToElasticsearch(Fault.parse(Fault.ALL))).isTrue();
        assertThat(Fault.stallsConnectToKafka(Fault.parse(Fault.ALL))).isTrue();
        List<Fault> noNetwork = Fault.parse("kafka,elasticsearch-freeze");
        assertThat(Fault.stallsJobsToElasticsearch(noNetwork)).isFalse();
        assertThat(Fault.stallsConnectToKafka(noNetwork)).isFalse();
        assertThat(Fault.stallsConnectToKafka(Fault.parse("jobs-elasticsearch-stall"))).isFalse();
    }

    @Test
    void connectsOwnListenerBehindAProxyIsForOneBroker() {
        List<Fault> stall = Fault.parse("connect-kafka-stall");
        assertThatThrownBy(() -> Fault.requireStack(stall, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one broker");
        Fault.requireStack(stall, 1); // taken
    }

    @Test
    void recoveryFiguresAreTheMedianAndTheMaximum() {
        assertThat(FaultsBench.Recovery.median(List.of(9_000L, 1_000L, 4_000L))).isEqualTo(4_000);
        assertThat(FaultsBench.Recovery.median(List.of(2_000L, 1_000L))).isEqualTo(1_000);
        assertThat(FaultsBench.Recovery.max(List.of(9_000L, 1_000L))).isEqualTo(9_000);
        assertThat(FaultsBench.Recovery.median(List.of())).isEqualTo(-1);
        assertThat(FaultsBench.Recovery.max(List.of())).isEqualTo(-1);
    }
}
