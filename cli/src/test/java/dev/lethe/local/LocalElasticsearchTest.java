package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where the local Elasticsearch keeps its indices, without starting it. */
class LocalElasticsearchTest {

    @TempDir Path work;

    private StackSettings settings(Path dataDir, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--data-dir",
                                dataDir.toString(),
                                "--elasticsearch-dir",
                                work.resolve("es").toString()));
        args.addAll(List.of(more));
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs(args.toArray(String[]::new));
        return o.resolve(Map.of());
    }

    @Test
    void elasticsearchCompilesInTheStacksJitModeAndDropsItWhenStartedInAnother() throws Exception {
        Path dataDir = work.resolve("data");
        Path options = work.resolve("es/config/jvm.options.d/lethe-jit.options");
        new LocalElasticsearch(settings(dataDir, "--jit", "startup")).configure();
        assertThat(Files.readAllLines(options)).containsExactly("-XX:TieredStopAtLevel=1");
        new LocalElasticsearch(settings(dataDir, "--jit", "throughput")).configure();
        assertThat(Files.readAllLines(options)).isEmpty();
    }

    private static String pathData(Path esDir) throws Exception {
        return Files.readAllLines(esDir.resolve("config/elasticsearch.yml")).stream()
                .filter(l -> l.startsWith("path.data: "))
                .map(l -> l.substring("path.data: ".length()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theIndicesBelongToTheDataDirectoryThatMadeThem() throws Exception {
        Path dataDir = work.resolve("data");
        StackSettings s = settings(dataDir);
        LocalElasticsearch es = new LocalElasticsearch(s);

        es.claimData();
        es.configure();
        String first = pathData(s.elasticsearchDir());
        assertThat(first)
                .isEqualTo(
                        s.elasticsearchDir()
                                .resolve("data-" + Files.readString(dataDir.resolve("id")).trim())
                                .toString());
        Files.writeString(Path.of(first).resolve("index-of-the-first-log"), "x");

        // the same data directory again (a restart): the same indices
        new LocalElasticsearch(settings(dataDir)).claimData();
        new LocalElasticsearch(settings(dataDir)).configure();
        assertThat(pathData(s.elasticsearchDir())).isEqualTo(first);
        assertThat(Path.of(first).resolve("index-of-the-first-log")).exists();

        // a new data directory at the same path (rm -rf .lethe, a fresh clone): new, empty indices,
        // and the old ones, whose log no longer exists, are removed
        LocalElasticsearch.deleteTree(dataDir);
        LocalElasticsearch fresh = new LocalElasticsearch(settings(dataDir));
        fresh.claimData();
        fresh.configure();
        String second = pathData(s.elasticsearchDir());
        assertThat(second).isNotEqualTo(first).startsWith(s.elasticsearchDir() + "/data-");
        assertThat(Path.of(second)).isEmptyDirectory();
        assertThat(Path.of(first)).doesNotExist();
    }

    @Test
    void aDataDirectoryFromBeforeTheIdKeepsItsIndices() throws Exception {
        Path dataDir = work.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("stack.json"), "{\"settings\":{}}");
        StackSettings s = settings(dataDir);
        Path legacy = s.elasticsearchDir().resolve("data");
        Files.createDirectories(legacy);
        Files.writeString(legacy.resolve("index"), "x");

        LocalElasticsearch es = new LocalElasticsearch(s);
        es.claimData();
        es.configure();

        assertThat(Path.of(pathData(s.elasticsearchDir())).resolve("index")).exists();
        assertThat(legacy).doesNotExist();
    }

    @Test
    void aNewDataDirectoryDoesNotAdoptIndicesLeftAtTheSamePath() throws Exception {
        Path dataDir = work.resolve("data");
        StackSettings s = settings(dataDir);
        Path legacy = s.elasticsearchDir().resolve("data");
        Files.createDirectories(legacy);
        Files.writeString(legacy.resolve("index"), "x");

        LocalElasticsearch es = new LocalElasticsearch(s);
        es.claimData();
        es.configure();

        assertThat(Path.of(pathData(s.elasticsearchDir()))).isEmptyDirectory();
        assertThat(legacy).doesNotExist();
    }
}
