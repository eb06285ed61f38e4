package dev.lethe.bench;

import dev.lethe.jobs.LetheJob;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.util.stream.Collectors;

/**
 * What the benchmarks that start a stack of their own share, and the line every benchmark's report
 * carries: what ran beside what it measured (whether Lethe's Flink jobs ran takes most of the two
 * cores a figure is measured on).
 */
final class BenchStacks {

    private BenchStacks() {}

    /** Beside a measurement without servers. */
    static final String NO_STACK = "no stack, no Flink job: the benchmark's JVM alone";

    /** Beside a measurement on an embedded PostgreSQL, without the stack. */
    static final String EMBEDDED_POSTGRES =
            "no stack, no Flink job: an embedded PostgreSQL and the benchmark's JVM";

    /** Beside a measurement on a stack started without Lethe's jobs. */
    static final String JOBS_OFF = "the stack started without Lethe's Flink jobs (none runs)";

    /** Lethe's jobs as {@code up} submits them, by name. */
    static String jobsOn() {
        return "Lethe's Flink jobs "
                + LetheJobs.ALL.stream().map(LetheJob::jobName).collect(Collectors.joining(", "))
                + ", as `up` submits them";
    }

    /** What ran beside a measurement, as a row of a {@code | measure | value |} report. */
    static String besideRow(String what) {
        return "| beside it | " + what + " |";
    }

    /** What ran beside a measurement, as a line of a report that is not one table. */
    static String besideLine(String what) {
        return "beside it: " + what;
    }

    /**
     * The options that point {@code ./lethe} at the stack {@code s} describes, for a command run in
     * the benchmark's JVM ({@code Lethe.run}).
     */
    static java.util.List<String> cliStackArgs(StackSettings s) {
        return java.util.List.of(
                "--data-dir", s.dataDir().toString(),
                "--elasticsearch-dir", s.elasticsearchDir().toString(),
                "--postgres-port", Integer.toString(s.postgresPort()),
                "--kafka-port", Integer.toString(s.kafkaPort()),
                "--kafka-controller-port", Integer.toString(s.kafkaControllerPort()),
                "--kafka-brokers", Integer.toString(s.kafkaBrokers()),
                "--connect-port", Integer.toString(s.connectPort()),
                "--elasticsearch-port", Integer.toString(s.elasticsearchPort()),
                "--elasticsearch-transport-port", Integer.toString(s.elasticsearchTransportPort()),
                "--flink-port", Integer.toString(s.flinkPort()));
    }

    /** What a benchmark measures on the stack it started. */
    @FunctionalInterface
    interface StackWork<T> {
        /**
         * @param settings the stack's settings once it is up (with the passwords it made)
         */
        T run(LocalStack stack, StackSettings settings) throws Exception;
    }

    /**
     * Starts a fresh stack as {@code options} describe it (with Lethe's jobs), runs {@code work} on
     * it and stops it, whatever happens; refuses a data directory whose stack already runs.
     */
    static <T> T onFreshStack(StackOptions options, StackWork<T> work) throws Exception {
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out);
        requireNoneRunning(stack, s);
        stack.up();
        try {
            return work.run(stack, options.resolve());
        } finally {
            stack.down();
        }
    }

    /**
     * Refuses a data directory whose stack already runs: a benchmark measures a stack it started
     * itself, on empty data.
     */
    static void requireNoneRunning(LocalStack stack, StackSettings s) {
        if (stack.alreadyRunning()) {
            throw new IllegalArgumentException(
                    "a stack already runs from "
                            + s.dataDir()
                            + ": the benchmark starts its own; pass --data-dir <empty dir> and free"
                            + " ports, or ./lethe down first");
        }
    }
}
