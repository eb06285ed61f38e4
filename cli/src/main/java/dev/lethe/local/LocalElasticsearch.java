package dev.lethe.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The real Elasticsearch 8.19 server, run from the distribution that the build resolves from Maven
 * Central. Elasticsearch refuses to run as root, so when Lethe runs as root it runs Elasticsearch
 * as {@code nobody} (via {@code setpriv}) in a directory {@code nobody} can reach.
 */
final class LocalElasticsearch {

    private final StackSettings s;

    LocalElasticsearch(StackSettings settings) {
        this.s = settings;
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    Path distribution() {
        return LetheHome.moduleTarget(s.home(), "stack").resolve("dist/elasticsearch.zip");
    }

    /** Problems that stop {@code up} before anything starts, each saying what to do. */
    List<String> preflight() {
        List<String> problems = new ArrayList<>();
        if (!Files.isRegularFile(distribution())) {
            problems.add(
                    "the Elasticsearch distribution is missing ("
                            + distribution()
                            + "): run ./mvnw -DskipTests install");
        }
        if (runningAsRoot()) {
            if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                problems.add(
                        "running as root needs /usr/bin/setpriv to run Elasticsearch as 'nobody'"
                                + " (apt-get install util-linux), or run ./lethe as a normal user");
            }
            Path p = s.elasticsearchDir().getParent();
            while (p != null) {
                if (Files.exists(p) && !othersCanTraverse(p)) {
                    problems.add(
                            "Elasticsearch runs as 'nobody' and cannot reach "
                                    + s.elasticsearchDir()
                                    + " because "
                                    + p
                                    + " is not traversable by others: choose"
                                    + " --elasticsearch-dir under /var/tmp or /tmp");
                    break;
                }
                p = p.getParent();
            }
        }
        return problems;
    }

    private static boolean othersCanTraverse(Path dir) {
        try {
            return Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The file under the data directory that holds its id, made when the data directory is first
     * used: the indices of the local Elasticsearch belong to it ({@link #dataPath()}).
     */
    static final String DATA_DIRECTORY_ID = "id";

    /**
     * Makes the data directory's id unless it has one; {@code up} calls it before anything writes
     * to the data directory. A data directory that ran before it had an id (it has a {@code
     * stack.json}) keeps its indices: the shared {@code <elasticsearch-dir>/data} becomes its own
     * {@code data-<id>}. A new data directory (none, or one removed and made again at the same
     * path) gets a new id, so it never sees the indices of a log that no longer exists.
     */
    void claimData() throws IOException {
        Path idFile = s.dataDir().resolve(DATA_DIRECTORY_ID);
        if (Files.isRegularFile(idFile)) {
            return;
        }
        boolean ranBefore = Files.isRegularFile(s.stateFile());
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Files.createDirectories(s.dataDir());
        Path tmp = idFile.resolveSibling(DATA_DIRECTORY_ID + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, idFile, StandardCopyOption.ATOMIC_MOVE);
        Path legacy = s.elasticsearchDir().resolve("data");
        if (ranBefore && Files.isDirectory(legacy)) {
            Files.move(legacy, dataPath());
        }
    }

    /** {@code <elasticsearch-dir>/data-<id of the data directory>}: Elasticsearch's path.data. */
    Path dataPath() throws IOException {
        Path idFile = s.dataDir().resolve(DATA_DIRECTORY_ID);
        if (!Files.isRegularFile(idFile)) {
            claimData();
        }
        String id = Files.readString(idFile, StandardCharsets.UTF_8).trim();
        if (!id.matches("[0-9a-f]{16}")) {
            throw new LocalStack.StackException(
                    idFile
                            + " does not hold a data directory id (16 hex digits): remove it to"
                            + " start with empty Elasticsearch indices");
        }
        return s.elasticsearchDir().resolve("data-" + id);
    }

    /**
     * Writes {@code config/elasticsearch.yml} and the heap options, makes the directories they
     * name, and removes the indices of other data directories ({@code data} and {@code data-*}
     * besides this one's): their logs no longer exist.
     */
    void configure() throws IOException {
        Path dir = s.elasticsearchDir();
        Path conf = dir.resolve("config");
        Files.createDirectories(conf);
        Path data = dataPath();
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if ((name.equals("data") || name.startsWith("data-"))
                        && !p.equals(data)
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(p);
                }
            }
        }
        Files.createDirectories(data);
        Files.createDirectories(dir.resolve("logs"));
        // its temporary files (JNA, native libraries) stay in its directory instead of leaving an
        // empty /tmp/elasticsearch-* behind at every start
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(
                conf.resolve("elasticsearch.yml"),
                String.join(
                        "\n",
                        "# written by ./lethe up; edits are overwritten",
                        "cluster.name: lethe",
                        "node.name: lethe-local",
                        "path.data: " + data,
                        "path.logs: " + dir.resolve("logs"),
                        "network.host: 127.0.0.1",
                        "http.port: " + s.elasticsearchPort(),
                        "transport.port: " + s.elasticsearchTransportPort(),
                        "discovery.type: single-node",
                        "xpack.security.enabled: true",
                        "xpack.security.http.ssl.enabled: false",
                        "xpack.security.transport.ssl.enabled: false",
                        "action.destructive_requires_name: true",
                        "cluster.routing.allocation.disk.threshold_enabled: false",
                        ""),
                StandardCharsets.UTF_8);
        Path jvmOpts = conf.resolve("jvm.options.d");
        Files.createDirectories(jvmOpts);
        Files.writeString(
                jvmOpts.resolve("lethe-heap.options"),
                "-Xms" + s.elasticsearchHeap() + "\n-Xmx" + s.elasticsearchHeap() + "\n");
        // written whatever the mode, so that a stack started again in another mode drops it
        Files.writeString(
                jvmOpts.resolve("lethe-jit.options"),
                s.jit().jvmOptions().stream().map(o -> o + "\n").collect(Collectors.joining()));
    }

    ChildProcess start(String password) throws IOException, InterruptedException {
        Path dir = s.elasticsearchDir();
        Files.createDirectories(dir);
        requireOwnDirectory(dir);
        Path esHome = unpack(dir);
        Path conf = dir.resolve("config");
        if (!Files.isDirectory(conf)) {
            copyTree(esHome.resolve("config"), conf);
        }
        configure();
        ElasticsearchUsers.write(conf, role -> s.elasticsearchPasswordOf(role).orElseThrow());
        if (runningAsRoot()) {
            run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), null);
        }
        if (!Files.exists(conf.resolve("elasticsearch.keystore"))) {
            run(
                    asEsUser(
                            List.of(
                                    esHome.resolve("bin/elasticsearch-keystore").toString(),
                                    "create")),
                    null);
        }
        run(
                asEsUser(
                        List.of(
                                esHome.resolve("bin/elasticsearch-keystore").toString(),
                                "add",
                                "-x",
                                "-f",
                                "bootstrap.password")),
                password);
        return ChildProcess.start(
                "elasticsearch",
                asEsUser(List.of(esHome.resolve("bin/elasticsearch").toString())),
                env(),
                s.logsDir().resolve("elasticsearch.log"),
                dir);
    }

    /**
     * The Elasticsearch directory (by default under the world-writable {@code /var/tmp}, at a name
     * anyone can predict) must be this user's, or {@code nobody}'s when Lethe runs as root and
     * Elasticsearch as {@code nobody}: a directory someone else made there first could hand them
     * the indices, the keystore and the file realm's users. It is made owner-only (0700).
     */
    static void requireOwnDirectory(Path dir) throws IOException {
        requireOwnDirectory(dir, System.getProperty("user.name"), runningAsRoot());
    }

    static void requireOwnDirectory(Path dir, String me, boolean root) throws IOException {
        String owner = Files.getOwner(dir).getName();
        boolean ours = owner.equals(me) || (root && owner.equals("nobody"));
        if (!ours) {
            throw new LocalStack.StackException(
                    "the Elasticsearch directory "
                            + dir
                            + " belongs to "
                            + owner
                            + ": it may have been made by someone else; remove it or give another"
                            + " one (--elasticsearch-dir)");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ES_JAVA_HOME", LetheHome.javaHome().toString());
        env.put("ES_PATH_CONF", s.elasticsearchDir().resolve("config").toString());
        env.put("ES_JAVA_OPTS", "-Dlethe.component=elasticsearch");
        env.put("ES_TMPDIR", s.elasticsearchDir().resolve("tmp").toString());
        return env;
    }

    private List<String> asEsUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> c =
                new ArrayList<>(
                        List.of(
                                "/usr/bin/setpriv",
                                "--reuid=nobody",
                                "--regid=nogroup",
                                "--clear-groups"));
        c.addAll(command);
        return c;
    }

    private void run(List<String> command, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(
                    "Elasticsearch setup step failed: " + String.join(" ", command) + "\n" + out);
        }
    }

    /** Unpacks the distribution once; returns its home directory. */
    private Path unpack(Path dir) throws IOException {
        try (ZipFile zip = new ZipFile(distribution().toFile())) {
            String top = null;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements() && top == null) {
                String n = entries.nextElement().getName();
                top = n.substring(0, n.indexOf('/') > 0 ? n.indexOf('/') : n.length());
            }
            Path esHome = dir.resolve(top);
            if (Files.isExecutable(esHome.resolve("bin/elasticsearch"))) {
                return esHome;
            }
            Path partial = dir.resolve(top + ".unpacking");
            deleteTree(partial);
            entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path target = partial.resolve(e.getName().substring(top.length() + 1)).normalize();
                if (!target.startsWith(partial)) {
                    throw new IOException("unsafe entry in distribution: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target);
                }
                if (target.getParent().getFileName().toString().equals("bin")) {
                    Files.setPosixFilePermissions(
                            target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Files.move(partial, esHome);
            return esHome;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var paths = Files.walk(p)) {
            for (Path q : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
