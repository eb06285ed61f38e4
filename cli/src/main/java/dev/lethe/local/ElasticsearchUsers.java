package dev.lethe.local;

import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.config.JobSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The local Elasticsearch's users, one per component, in its file realm ({@code config/users},
 * {@code users_roles}, {@code roles.yml}; the native realm needs a module this distribution lacks).
 * Each may do only what its component needs; {@code elastic} (the bootstrap password) is for setup
 * and the operator's own commands.
 *
 * <ul>
 *   <li>{@code lethe_audit}: creates and writes the audit indices ({@code lethe-audit*}).
 *   <li>{@code lethe_discovery}: creates, migrates and writes the location indices ({@code
 *       lethe-locations*}).
 *   <li>{@code lethe_retention}: deletes an erased person's location documents and expunges them.
 *   <li>{@code lethe_server}: reads both (and refreshes them before a verification; reads the audit
 *       index's shard statistics, whose sequence numbers an incremental verification watches),
 *       writes nothing.
 * </ul>
 */
public final class ElasticsearchUsers {

    /** The components that use Elasticsearch. */
    public static final List<ComponentRole> COMPONENTS =
            List.of(
                    ComponentRole.AUDIT,
                    ComponentRole.DISCOVERY,
                    ComponentRole.RETENTION,
                    ComponentRole.SERVER);

    private static final String AUDIT = JobSettings.DEFAULT_AUDIT_INDEX + "*";
    private static final String LOCATIONS = LocationDocument.INDEX + "*";

    private ElasticsearchUsers() {}

    /** The roles, one per component, named like its user. */
    static String rolesYml() {
        return String.join(
                "\n",
                "# written by ./lethe up; edits are overwritten",
                role(
                        ComponentRole.AUDIT,
                        AUDIT,
                        "create_index, write, read, view_index_metadata, manage"),
                role(
                        ComponentRole.DISCOVERY,
                        LOCATIONS,
                        "create_index, write, read, view_index_metadata, manage"),
                role(
                        ComponentRole.RETENTION,
                        LOCATIONS,
                        "read, delete, write, maintenance, view_index_metadata"),
                role(
                        ComponentRole.SERVER,
                        AUDIT,
                        // maintenance: a verification refreshes the audit index to compare it;
                        // monitor: its shard statistics (the local checkpoint's sequence number)
                        "read, view_index_metadata, maintenance, monitor",
                        LOCATIONS,
                        "read, view_index_metadata, maintenance"),
                "");
    }

    /** A role: {@code indicesAndPrivileges} are pairs of an index pattern and its privileges. */
    private static String role(ComponentRole c, String... indicesAndPrivileges) {
        List<String> lines =
                new ArrayList<>(List.of(c.user() + ":", "  cluster: [\"monitor\"]", "  indices:"));
        for (int i = 0; i < indicesAndPrivileges.length; i += 2) {
            lines.add("    - names: [\"" + indicesAndPrivileges[i] + "\"]");
            lines.add("      privileges: [" + indicesAndPrivileges[i + 1] + "]");
        }
        return String.join("\n", lines);
    }

    /**
     * Writes the file realm into {@code conf}: every component's user with its password (bcrypt
     * hashed) and role. Replaces the files atomically; Elasticsearch reads them at start and within
     * seconds of a change.
     */
    public static void write(Path conf, Function<ComponentRole, String> passwordOf)
            throws IOException {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
        List<String> users = new ArrayList<>();
        List<String> usersRoles = new ArrayList<>();
        for (ComponentRole c : COMPONENTS) {
            users.add(c.user() + ":" + bcrypt.encode(passwordOf.apply(c)));
            usersRoles.add(c.user() + ":" + c.user());
        }
        replace(conf.resolve("roles.yml"), rolesYml());
        replace(conf.resolve("users"), String.join("\n", users) + "\n");
        replace(conf.resolve("users_roles"), String.join("\n", usersRoles) + "\n");
    }

    private static void replace(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
                tmp,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
