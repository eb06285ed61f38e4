package dev.lethe.local;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the JVMs of the local stack compile ({@code --jit}): Kafka, Connect, Elasticsearch, Flink,
 * the server, the supervisor and PostgreSQL's launcher.
 *
 * <p>HotSpot's default, tiered compilation, compiles hot code twice: quickly with C1, then again,
 * optimised, with C2. On a small machine the C2 compilations of six JVMs, all starting at once when
 * the first changes flow, take most of the CPU for the first minute after {@code up} (measured on 2
 * cores under 100 changes/s: about 120 CPU seconds of compilation in 3.5 minutes, a backlog of up
 * to 8 s in the first 50 s). C1 alone compiles about a tenth of that, reaches its speed within
 * seconds, and on such a machine keeps commit → searchable as fast under a steady load
 * (docs/benchmarks.md, "Latency"); C2's code is faster for a long CPU-bound run, which matters on
 * machines with cores to spare and for backlogs.
 */
public enum JitMode {
    /** C1 only ({@code -XX:TieredStopAtLevel=1}): little compilation, fast right after a start. */
    STARTUP(List.of("-XX:TieredStopAtLevel=1")),

    /** HotSpot's default tiered compilation (C1, then C2): the highest sustained rate. */
    THROUGHPUT(List.of());

    /** The number of processors up to which {@link #STARTUP} is the default. */
    static final int STARTUP_UP_TO_PROCESSORS = 4;

    private final List<String> jvmOptions;

    JitMode(List<String> jvmOptions) {
        this.jvmOptions = jvmOptions;
    }

    /** The options a JVM of the stack starts with for this mode (none for the JVM's default). */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** The option's value for this mode, as {@code --jit} takes it. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The default: {@link #STARTUP} on machines of up to four processors, else THROUGHPUT. */
    public static JitMode forProcessors(int processors) {
        return processors <= STARTUP_UP_TO_PROCESSORS ? STARTUP : THROUGHPUT;
    }

    /** {@code value} as given to {@code flag}, in any case; a message that lists them if none. */
    public static JitMode parse(String flag, String value) {
        for (JitMode m : values()) {
            if (m.flagValue().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                flag
                        + " must be one of "
                        + Arrays.stream(values())
                                .map(JitMode::flagValue)
                                .collect(Collectors.joining(", "))
                        + ", got '"
                        + value
                        + "'");
    }
}
