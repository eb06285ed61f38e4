package dev.lethe.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which state backend the local Flink runs its jobs with ({@code --state-backend}), and the rule
 * that keeps a data directory's checkpoints usable: a checkpoint restores only into the backend
 * that wrote it (the heap backend's full snapshots and RocksDB's incremental ones are different
 * files), so the backend of a data directory whose jobs have checkpoints cannot change. The backend
 * in use is recorded in {@code <data-dir>/flink/state-backend}; checkpoints without that file were
 * written by builds that only had the heap backend.
 */
public final class LocalStateBackend {

    /** State in the TaskManager's heap, every checkpoint a full copy (Flink's {@code hashmap}). */
    public static final String HASHMAP = "hashmap";

    /** State in embedded RocksDB on local disk, incremental checkpoints. */
    public static final String ROCKSDB = "rocksdb";

    /**
     * RocksDB: every row of the helpdesk leaves keyed state in several operators (its chain head,
     * its locations' ids, its retention deadline), so a helpdesk of 100,000 contacts (about a
     * million records) fills a 1 GiB heap, while RocksDB keeps it on disk.
     */
    public static final String DEFAULT = ROCKSDB;

    public static final List<String> NAMES = List.of(HASHMAP, ROCKSDB);

    private LocalStateBackend() {}

    /**
     * The problem with starting the local Flink in {@code flinkDir} with {@code wanted}, if any: a
     * sentence that says what to do.
     */
    public static Optional<String> problem(Path flinkDir, String wanted) {
        Optional<String> current = recorded(flinkDir);
        if (current.isEmpty() || current.get().equals(wanted) || !hasCheckpoints(flinkDir)) {
            return Optional.empty();
        }
        return Optional.of(
                "--state-backend "
                        + wanted
                        + ": the jobs' checkpoints in "
                        + flinkDir.resolve("checkpoints")
                        + " were written by the "
                        + current.get()
                        + " state backend, and a checkpoint restores only into the backend that"
                        + " wrote it; start with --state-backend "
                        + current.get()
                        + ", or use another --data-dir for a stack with the "
                        + wanted
                        + " backend");
    }

    /** Records {@code backend} as the one that writes this directory's checkpoints from now on. */
    public static void record(Path flinkDir, String backend) throws IOException {
        Files.createDirectories(flinkDir);
        Files.writeString(marker(flinkDir), backend + "\n", StandardCharsets.UTF_8);
    }

    /**
     * The backend recorded for {@code flinkDir}, or the heap backend if it has checkpoints only.
     */
    static Optional<String> recorded(Path flinkDir) {
        Path marker = marker(flinkDir);
        try {
            if (Files.isRegularFile(marker)) {
                return Optional.of(Files.readString(marker, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker, e);
        }
        return hasCheckpoints(flinkDir) ? Optional.of(HASHMAP) : Optional.empty();
    }

    /** Whether any job has a completed checkpoint ({@code checkpoints/<job>/chk-N/_metadata}). */
    static boolean hasCheckpoints(Path flinkDir) {
        Path root = flinkDir.resolve("checkpoints");
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> found = Files.find(root, 3, (p, a) -> isCheckpointMetadata(p))) {
            return found.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
    }

    private static boolean isCheckpointMetadata(Path p) {
        Path parent = p.getParent();
        return p.getFileName().toString().equals("_metadata")
                && parent != null
                && parent.getFileName().toString().startsWith("chk-");
    }

    private static Path marker(Path flinkDir) {
        return flinkDir.resolve("state-backend");
    }
}
