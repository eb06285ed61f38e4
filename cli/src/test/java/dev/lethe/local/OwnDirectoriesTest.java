package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data and Elasticsearch directories are the user's own and nobody else's to read. */
class OwnDirectoriesTest {

    @TempDir Path tmp;

    @Test
    void theDataDirectoryBecomesOwnerOnly() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalStack.ownerOnly(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        Path es = Files.createDirectories(tmp.resolve("es"));
        LocalElasticsearch.requireOwnDirectory(es);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(es)))
                .isEqualTo("rwx------");
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedAndLeftAsItIs() throws Exception {
        // the directory is this user's; seen from another user's side, it is someone else's
        Path planted = Files.createDirectories(tmp.resolve("planted"));
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
        String owner = Files.getOwner(planted).getName();
        UserPrincipal other =
                planted.getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName("daemon");
        assertThat(other.getName()).isNotEqualTo(owner);
        assertThatThrownBy(() -> LocalStack.ownerOnly(planted, other))
                .hasMessageContaining("belongs to " + owner)
                .hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> LocalElasticsearch.requireOwnDirectory(planted, "daemon", false))
                .hasMessageContaining("may have been made by someone else");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(planted)))
                .isEqualTo("rwxrwxrwx");
    }
}
