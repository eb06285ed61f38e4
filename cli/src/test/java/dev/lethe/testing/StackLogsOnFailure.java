package dev.lethe.testing;

import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails while the shared stack runs, prints the end of each component's log (Kafka,
 * Connect, Flink, Elasticsearch, PostgreSQL) with the failure, so that a failure on CI, whose
 * working copy is gone afterwards, can still be traced to what the servers did. Registered for
 * every test by JUnit's extension autodetection (META-INF/services); does nothing without a stack.
 */
public final class StackLogsOnFailure implements TestWatcher {

    /** Lines printed from the end of each log. */
    static final int TAIL_LINES = 60;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        SharedStack.ifStarted().ifPresent(s -> print(context.getDisplayName(), s));
    }

    private static void print(String test, StackSettings s) {
        Path logs = s.logsDir();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                System.err.printf(
                        "---- %s failed: last %d lines of %s ----%n", test, TAIL_LINES, log);
                tail(log).forEach(System.err::println);
            }
        } catch (IOException e) {
            System.err.println("---- " + test + " failed; the stack's logs in " + logs + ": " + e);
        }
    }

    static List<String> tail(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return all.subList(Math.max(0, all.size() - TAIL_LINES), all.size());
        } catch (java.io.UncheckedIOException e) {
            // not UTF-8 throughout (a binary or partly written line): the raw tail instead
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return all.subList(Math.max(0, all.size() - TAIL_LINES), all.size());
        }
    }
}
