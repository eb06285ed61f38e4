package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The job jar for a cluster ({@code jobs/target/lethe-jobs-*-flink.jar}) holds the jobs and what a
 * cluster lacks, not Flink itself, the Connect worker's transformations nor the helpdesk
 * simulator's libraries. The reactor packages module jobs before it tests cli, so {@code ./mvnw
 * verify} always checks the jar it just built.
 */
class JobJarTest {

    /**
     * What a Flink cluster brings (its runtime, RocksDB, Kryo) or the jobs never use (the Connect
     * worker's module, the simulator, the local stack's Flink process).
     */
    private static final List<String> FORBIDDEN =
            List.of(
                    "org/apache/flink/runtime/",
                    "org/apache/flink/streaming/api/environment/",
                    "org/apache/flink/shaded/",
                    "org/rocksdb/",
                    "com/esotericsoftware/",
                    "net/datafaker/",
                    "org/flywaydb/",
                    "dev/lethe/connectors/",
                    "dev/lethe/simulator/",
                    // the local stack's Flink process
                    "dev/lethe/jobs/runtime/");

    @Test
    void holdsTheJobsAndTheirConnectorsButNotFlinkOrTheSimulator() throws IOException {
        Path jar = jobJar();
        assumeTrue(jar != null, "module jobs is not packaged in this build");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();

            assertThat(names)
                    .as("entries of %s", jar)
                    .filteredOn(n -> FORBIDDEN.stream().anyMatch(n::startsWith))
                    .isEmpty();
            assertThat(names)
                    .contains(
                            "dev/lethe/jobs/audit/AuditJob.class",
                            "dev/lethe/audit/Actor.class",
                            "org/apache/flink/connector/kafka/source/KafkaSource.class");
        }
    }

    private static Path jobJar() throws IOException {
        Path target = LetheHome.moduleTarget(LetheHome.get(), "jobs");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-flink.jar"))
                    .findFirst()
                    .orElse(null);
        }
    }
}
