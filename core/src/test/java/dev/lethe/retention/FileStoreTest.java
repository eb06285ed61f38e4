package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {

    @TempDir Path root;

    @Test
    void aDirectoryStoreDeletesTheFileAndAFileAlreadyGoneIsFine() throws Exception {
        Path file = Files.createDirectories(root.resolve("2026/12")).resolve("passport.pdf");
        Files.writeString(file, "bytes");
        FileStore store = FileStore.directory(root);

        store.delete("2026/12/passport.pdf");
        store.delete("2026/12/passport.pdf");

        assertThat(file).doesNotExist();
    }

    @Test
    void keysOutsideTheStoreAreRefusedWithoutQuotingThem() throws Exception {
        Path outside = Files.writeString(root.resolveSibling(root.getFileName() + "-x"), "keep");
        FileStore store = FileStore.directory(root);

        for (String key :
                new String[] {
                    "../" + outside.getFileName(), "/etc/passwd", "a\\b", "", "a\0b", "."
                }) {
            assertThatThrownBy(() -> store.delete(key))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("INVALID_FILE_KEY");
        }
        assertThat(outside).exists();
        Files.delete(outside);
    }

    @Test
    void anUnconfiguredStoreFailsSayingWhatToSet() {
        assertThatThrownBy(() -> FileStore.UNCONFIGURED.delete("k"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("LETHE_ATTACHMENT_DIR")
                .hasMessageNotContaining(": k");
    }
}
