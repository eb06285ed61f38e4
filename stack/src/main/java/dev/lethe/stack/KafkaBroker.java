package dev.lethe.stack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The local Kafka broker as its own process: one KRaft node that is broker and controller, its log
 * directory formatted on first start and reused after.
 *
 * <p>Usage: {@code KafkaBroker <server.properties> <cluster-id>}. The properties file is written by
 * the stack supervisor. Runs until SIGTERM/SIGINT ({@code kafka.Kafka}'s own shutdown).
 */
public final class KafkaBroker {

    private KafkaBroker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaBroker <server.properties> <cluster-id>");
            System.exit(2);
        }
        Path config = Path.of(args[0]);
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(config)) {
            props.load(r);
        }
        Files.createDirectories(Path.of(props.getProperty("log.dirs")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc =
                kafka.tools.StorageTool.execute(
                        new String[] {
                            "format", "-t", args[1], "-c", config.toString(), "--ignore-formatted"
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            System.err.println("kafka: formatting storage failed: " + out);
            System.exit(1);
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }
}
