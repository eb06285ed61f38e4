package dev.lethe.testing;

import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/**
 * The real stack, started once per test run (the first ITCase that asks starts it; a JVM shutdown
 * hook stops it). Every server runs as in {@code ./lethe up --no-jobs}, on free ports, with a fresh
 * data directory under {@code target/it}: Lethe's jobs are not started here; each test submits the
 * jobs it needs on topics and indices of its own ({@code LetheJobsITCase} tests what {@code up}
 * does with the jobs). Tests share it and keep out of each other's way by using their own rows,
 * topics and indices.
 */
public final class SharedStack {

    private static LocalStack stack;
    private static StackSettings settings;
    private static RuntimeException failure;

    private SharedStack() {}

    public static synchronized StackSettings settings() {
        if (failure != null) {
            throw failure;
        }
        if (stack == null) {
            try {
                start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return settings;
    }

    /** The settings of the stack if a test started it, without starting it. */
    public static synchronized java.util.Optional<StackSettings> ifStarted() {
        return stack == null ? java.util.Optional.empty() : java.util.Optional.of(settings);
    }

    public static synchronized LocalStack stack() {
        settings();
        return stack;
    }

    /** Starts the stack again from its data directory (stopping whatever still runs). */
    public static synchronized void restart() throws Exception {
        stack = new LocalStack(settings, System.out).withJobs(false);
        stack.up();
        settings = resolve(argsFor(settings.dataDir()));
    }

    private static void start() {
        try {
            Path dir =
                    Path.of(System.getProperty("lethe.it.dir", "target/it"))
                            .toAbsolutePath()
                            .normalize()
                            .resolve("stack");
            deleteTree(dir);
            Files.createDirectories(dir);
            List<String> args = new ArrayList<>(argsFor(dir));
            int[] ports = freePorts(9);
            String[] flags = {
                "--postgres-port",
                "--kafka-port",
                "--kafka-controller-port",
                "--connect-port",
                "--elasticsearch-port",
                "--elasticsearch-transport-port",
                "--flink-port",
                "--server-port"
            };
            for (int i = 0; i < flags.length; i++) {
                args.add(flags[i]);
                args.add(String.valueOf(ports[i]));
            }
            // a clean Elasticsearch for each run, but keep the unpacked distribution
            Path esDir = Path.of("/var/tmp", "lethe-es-it-" + Integer.toHexString(dir.hashCode()));
            deleteTree(esDir.resolve("data"));
            deleteTree(esDir.resolve("config"));
            args.add("--elasticsearch-dir");
            args.add(esDir.toString());
            StackSettings initial = resolve(args);
            LocalStack s = new LocalStack(initial, System.out).withJobs(false);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stack.down(), "it-stack-down"));
            stack = s;
            s.up();
            // resolve again: up recorded the ports and generated the Elasticsearch password
            settings = resolve(argsFor(dir));
        } catch (Exception e) {
            throw new IllegalStateException("the test stack did not start: " + e.getMessage(), e);
        }
    }

    private static List<String> argsFor(Path dataDir) {
        return new ArrayList<>(List.of("--data-dir", dataDir.toString()));
    }

    public static StackSettings resolve(List<String> args) {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs(args.toArray(String[]::new));
        return o.resolve();
    }

    static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    static void deleteTree(Path p) throws IOException {
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
