package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateBackendTest {

    @TempDir Path flinkDir;

    private void checkpoint(String job, int n) throws Exception {
        Path chk = flinkDir.resolve("checkpoints").resolve(job).resolve("chk-" + n);
        Files.createDirectories(chk);
        Files.write(chk.resolve("_metadata"), new byte[] {1});
    }

    @Test
    void aDirectoryWithoutCheckpointsTakesAnyBackend() throws Exception {
        assertThat(LocalStateBackend.problem(flinkDir, "rocksdb")).isEmpty();
        LocalStateBackend.record(flinkDir, "rocksdb");
        // a job dir whose checkpoint never completed (no _metadata) holds nothing to restore
        Files.createDirectories(flinkDir.resolve("checkpoints/job-1/chk-1"));
        assertThat(LocalStateBackend.problem(flinkDir, "hashmap")).isEmpty();
    }

    @Test
    void checkpointsKeepTheBackendThatWroteThem() throws Exception {
        LocalStateBackend.record(flinkDir, "rocksdb");
        checkpoint("job-1", 3);

        assertThat(LocalStateBackend.problem(flinkDir, "rocksdb")).isEmpty();
        assertThat(LocalStateBackend.problem(flinkDir, "hashmap"))
                .hasValueSatisfying(
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "--state-backend hashmap: the jobs' checkpoints")
                                        .contains("written by the rocksdb state backend")
                                        .contains("start with --state-backend rocksdb")
                                        .contains("another --data-dir"));
    }

    @Test
    void checkpointsFromBeforeTheRecordWereWrittenByTheHeapBackend() throws Exception {
        checkpoint("job-1", 7);

        assertThat(LocalStateBackend.problem(flinkDir, "hashmap")).isEmpty();
        assertThat(LocalStateBackend.problem(flinkDir, "rocksdb"))
                .hasValueSatisfying(m -> assertThat(m).contains("written by the hashmap"));
    }
}
