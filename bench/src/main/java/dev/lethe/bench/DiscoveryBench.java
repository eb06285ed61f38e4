package dev.lethe.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.lethe.audit.Actor;
import dev.lethe.cli.Lethe;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.discovery.LocationUpdate;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.ElasticsearchSink;
import dev.lethe.jobs.elasticsearch.ElasticsearchSinkBuilder;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Discovery: subject search latency on a large locations index while indexing continues, the
 * discovery sink's index rate against a raw {@code _bulk} loader of the same documents, and the
 * time to export a person with many items. Each figure is measured against its baseline or target
 * in the same run, on a stack this benchmark starts for itself.
 *
 * <p>With {@code --accuracy} it starts nothing and measures detection instead: recall, precision
 * and wrong values on the evaluation set ({@link DiscoveryAccuracyRun}).
 */
@Command(
        name = "discovery",
        mixinStandardHelpOptions = true,
        description =
                "Subject search p50/p95/p99 at N locations while indexing; discovery sink vs raw"
                        + " _bulk rate; export time of a person with many items. With --accuracy:"
                        + " detection recall, precision and wrong values on the evaluation set, no"
                        + " servers.")
final class DiscoveryBench implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--locations",
            defaultValue = "1000000",
            description = "Locations indexed before searching (default ${DEFAULT-VALUE}).")
    long locations;

    @Option(
            names = "--throughput-locations",
            defaultValue = "200000",
            description =
                    "Locations written by each of the raw loader and the discovery sink (default"
                            + " ${DEFAULT-VALUE}).")
    long throughputLocations;

    @Option(
            names = "--queries",
            defaultValue = "2000",
            description = "Measured searches (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(
            names = "--warmup",
            defaultValue = "200",
            description = "Searches before measuring (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--background-rate",
            defaultValue = "1000",
            description =
                    "Locations per second indexed in the background while searching (default"
                            + " ${DEFAULT-VALUE}).")
    int backgroundRate;

    @Option(
            names = "--export-items",
            defaultValue = "10000",
            description = "Items of the exported person (default ${DEFAULT-VALUE}).")
    int exportItems;

    @Option(names = "--skip-export", description = "Leave out the export measurement.")
    boolean skipExport;

    @Option(names = "--skip-throughput", description = "Leave out the sink vs raw measurement.")
    boolean skipThroughput;

    @Option(
            names = "--accuracy",
            description =
                    "Measure detection instead, starting no servers: the evaluation set's texts"
                            + " through the discovery job's locator; recall, precision and wrong"
                            + " values per kind and language as Markdown tables (exit code 0).")
    boolean accuracy;

    @Option(
            names = "--misses",
            paramLabel = "FILE",
            description =
                    "With --accuracy: where to write each text's misses, wrong values and false"
                            + " findings (default: lethe-discovery-accuracy-misses.md in the"
                            + " temporary directory).")
    Path misses;

    private static final int RAW_PER_REQUEST = ElasticsearchSinkBuilder.DEFAULT_MAX_BATCH_SIZE;
    private static final int RAW_IN_FLIGHT =
            ElasticsearchSinkBuilder.DEFAULT_MAX_IN_FLIGHT_REQUESTS;

    private final List<String> rows = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (accuracy) {
            return new DiscoveryAccuracyRun(System.out)
                    .run(
                            misses != null
                                    ? misses
                                    : Path.of(
                                            System.getProperty("java.io.tmpdir"),
                                            "lethe-discovery-accuracy-misses.md"));
        }
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out);
        BenchStacks.requireNoneRunning(stack, s);
        stack.up();
        s = options.resolve();
        String password = s.elasticsearchPassword().orElse(null);
        if (password != null) {
            // the discovery sink reads it from the process's secrets, as on a TaskManager
            System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, password);
        }
        row(
                "beside it",
                BenchStacks.jobsOn()
                        + "; they index the export's seeded person and have nothing else to do");
        try (ElasticsearchConnection.Clients es =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(password)) {
            RawBulkLoader raw =
                    new RawBulkLoader(s.elasticsearchUrl(), s.elasticsearchUser(), password);
            if (!skipExport) {
                export(s, es.client());
            }
            if (!skipThroughput) {
                throughput(s, es, raw);
            }
            search(s, es, raw);
        } finally {
            MeasureTable.print(System.out, rows);
            stack.down();
        }
        return 0;
    }

    private void row(String measure, String value) {
        String r = MeasureTable.row(measure, value);
        rows.add(r);
        System.out.println(r);
    }

    // ---------------------------------------------------------------- export

    private static final Pattern ITEMS = Pattern.compile("(\\d+) items");

    private void export(StackSettings s, ElasticsearchClient es) throws Exception {
        long contact = seedContact(s);
        String subject = "contact:" + contact;
        int tickets = Math.max(1, exportItems / 10);
        int items = 0;
        long seeded = 0;
        List<Double> inProcess = new ArrayList<>();
        Path out = Files.createTempDirectory("lethe-bench-export");
        for (int round = 0; round < 4 && items < exportItems; round++) {
            long seedStart = System.nanoTime();
            long lastThread = seedTickets(s, contact, tickets);
            seeded += tickets;
            double lag = waitIndexed(es, "threads/" + lastThread + "/from_address", seedStart);
            row(
                    "export seed: " + seeded + " tickets, each with 2 threads and a comment",
                    String.format("indexed by the discovery job %.1f s after commit", lag));
            inProcess.clear();
            for (int run = 0; run < 3; run++) {
                long t0 = System.nanoTime();
                String printed = runCli(s, subject, out.resolve("run-" + round + "-" + run));
                inProcess.add((System.nanoTime() - t0) / 1e9);
                Matcher m = ITEMS.matcher(printed);
                if (!m.find()) {
                    throw new IllegalStateException("subject export printed no item count");
                }
                items = Integer.parseInt(m.group(1));
            }
            tickets = (int) Math.ceil((exportItems - items) / (double) items * seeded) + 1;
        }
        if (items < exportItems) {
            throw new IllegalStateException("could not seed " + exportItems + " items");
        }
        double child = runCliProcess(s, subject, out.resolve("process"));
        inProcess.sort(null);
        row(
                "**export of one person, " + items + " items (JSON+CSV+HTML)**",
                String.format(
                        "**%.2f s** median of 3 in-process runs (%.2f–%.2f s); %.2f s as"
                                + " `./lethe subject export` in its own JVM (target ≤ 5 s)",
                        inProcess.get(1), inProcess.get(0), inProcess.get(2), child));
    }

    private static long seedContact(StackSettings s) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            actor(st);
            try (ResultSet rs =
                    st.executeQuery(
                            "INSERT INTO contacts (first_name, last_name, email, phone, mobile,"
                                    + " twitter_handle, locale) VALUES ('Benedikte',"
                                    + " 'Exportgaard', 'benedikte.exportgaard@example.eu', '+49 30"
                                    + " 1234567', '+49 151 23456789', '@bexport', 'de-DE')"
                                    + " RETURNING id")) {
                rs.next();
                long id = rs.getLong(1);
                c.commit();
                return id;
            }
        }
    }

    /**
     * {@code n} tickets of the contact, each with two threads and a comment, 100 a transaction;
     * returns the id of the last thread.
     */
    private static long seedTickets(StackSettings s, long contact, int n) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (int done = 0; done < n; done += 100) {
                int k = Math.min(100, n - done);
                actor(st);
                st.execute(
                        "WITH t AS (INSERT INTO tickets (contact_id, subject, description)"
                                + " SELECT "
                                + contact
                                + ", 'Rechnung ' || g, 'Hallo, hier ist Benedikte Exportgaard,"
                                + " bitte rufen Sie mich unter +49 151 23456789 zurück. Meine"
                                + " Kollegin Mareike Holm (mareike.holm@example.de) weiß"
                                + " Bescheid.' FROM generate_series(1, "
                                + k
                                + ") g RETURNING id),"
                                + " th AS (INSERT INTO threads (ticket_id, direction,"
                                + " from_address, to_address, content) SELECT t.id, d, CASE d"
                                + " WHEN 'in' THEN 'benedikte.exportgaard@example.eu' ELSE"
                                + " 'support@helpdesk.example' END, CASE d WHEN 'in' THEN"
                                + " 'support@helpdesk.example' ELSE"
                                + " 'benedikte.exportgaard@example.eu' END, 'Danke für Ihre"
                                + " Nachricht, Frau Exportgaard.' FROM t, unnest(ARRAY['in',"
                                + " 'out']) d RETURNING 1)"
                                + " INSERT INTO comments (ticket_id, content) SELECT t.id,"
                                + " 'Kundin hat zurückgerufen.' FROM t");
                c.commit();
            }
            try (ResultSet rs = st.executeQuery("SELECT max(id) FROM threads")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void actor(Statement st) throws Exception {
        Actor.system("bench", "discovery benchmark").emit(st.getConnection());
    }

    /**
     * Waits until the discovery job has indexed {@code documentId} (from the last row of the last
     * seed transaction; rows are located in commit order); returns the seconds since {@code since}.
     */
    private static double waitIndexed(ElasticsearchClient es, String documentId, long since)
            throws Exception {
        while (!es.exists(r -> r.index(LocationDocument.INDEX).id(documentId)).value()) {
            if (System.nanoTime() - since > TimeUnit.MINUTES.toNanos(5)) {
                throw new IllegalStateException(
                        "the discovery job did not index the seed in 5 min");
            }
            Thread.sleep(100);
        }
        return (System.nanoTime() - since) / 1e9;
    }

    private static List<String> stackArgs(StackSettings s) {
        return BenchStacks.cliStackArgs(s);
    }

    private static List<String> exportArgs(StackSettings s, String subject, Path out) {
        List<String> a = new ArrayList<>(List.of("subject", "export", subject));
        a.addAll(List.of("--out", out.toString(), "--reason", "discovery benchmark"));
        // the export's own cost, read directly (recorded as a break-glass access), not the server's
        a.addAll(List.of("--break-glass", "discovery benchmark"));
        a.addAll(stackArgs(s));
        return a;
    }

    /** {@code ./lethe subject export} in this JVM; returns what it printed. */
    private static String runCli(StackSettings s, String subject, Path out) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(OutputStreamNull.INSTANCE));
            code = Lethe.run(exportArgs(s, subject, out).toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IllegalStateException("subject export exited with " + code);
        }
        return text;
    }

    /** {@code subject export} as its own JVM, as {@code ./lethe} runs it; returns the seconds. */
    private static double runCliProcess(StackSettings s, String subject, Path out)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        for (String p : List.of("lethe.home", "lethe.target")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Lethe.class.getName()));
        cmd.addAll(exportArgs(s, subject, out));
        long t0 = System.nanoTime();
        Process p =
                new ProcessBuilder(cmd)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("subject export as a process failed");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    // ------------------------------------------------------------ throughput

    private void throughput(StackSettings s, ElasticsearchConnection.Clients es, RawBulkLoader raw)
            throws Exception {
        long n = throughputLocations;
        String rawIndex = "lethe-bench-raw";
        String sinkIndex = "lethe-bench-sink";
        // warm-up (Elasticsearch's and this JVM's JIT), not counted
        fresh(es, rawIndex, () -> raw.load(rawIndex, 0, n, RAW_PER_REQUEST, RAW_IN_FLIGHT));
        fresh(es, sinkIndex, () -> sinkLoad(s, sinkIndex, Math.min(n, 20_000))[0]);
        // alternating, best of two each
        double[] rawRuns = new double[2];
        double[] sinkRuns = new double[2];
        double[] sinkTotal = new double[2];
        for (int run = 0; run < 2; run++) {
            rawRuns[run] =
                    fresh(
                            es,
                            rawIndex,
                            () -> raw.load(rawIndex, 0, n, RAW_PER_REQUEST, RAW_IN_FLIGHT));
            final int r = run;
            sinkRuns[run] =
                    fresh(
                            es,
                            sinkIndex,
                            () -> {
                                double[] t = sinkLoad(s, sinkIndex, n);
                                sinkTotal[r] = t[1];
                                return t[0];
                            });
        }
        double rawBest = Math.min(rawRuns[0], rawRuns[1]);
        double sinkBest = Math.min(sinkRuns[0], sinkRuns[1]);
        row(
                "raw `_bulk` loader (baseline), "
                        + n
                        + " locations, "
                        + RAW_PER_REQUEST
                        + " a request, "
                        + RAW_IN_FLIGHT
                        + " in flight",
                String.format(
                        "%.0f locations/s (best of %.0f, %.0f)",
                        n / rawBest, n / rawRuns[0], n / rawRuns[1]));
        row(
                "discovery sink (`ElasticsearchSink` + `LocationUpdate.Converter` in Flink,"
                        + " defaults), same locations",
                String.format(
                        "%.0f locations/s from its first record (best of %.0f, %.0f; %.0f/s"
                                + " including job start)",
                        n / sinkBest,
                        n / sinkRuns[0],
                        n / sinkRuns[1],
                        n / Math.min(sinkTotal[0], sinkTotal[1])));
        row(
                "**discovery sink / raw**",
                String.format("**%.0f %%** (target ≥ 70 %%)", 100 * rawBest / sinkBest));
    }

    interface Timed {
        double run() throws Exception;
    }

    /** Runs {@code load} on a new empty {@code index} (same definition), then deletes it. */
    private static double fresh(ElasticsearchConnection.Clients es, String index, Timed load)
            throws Exception {
        if (es.client().indices().exists(r -> r.index(index)).value()) {
            es.client().indices().delete(r -> r.index(index));
        }
        DiscoveryJob.ensureIndex(es, index);
        try {
            double seconds = load.run();
            es.client().indices().refresh(r -> r.index(index));
            long count = es.client().count(r -> r.index(index)).count();
            if (count == 0) {
                throw new IllegalStateException("nothing reached " + index);
            }
            return seconds;
        } finally {
            es.client().indices().delete(r -> r.index(index));
        }
    }

    /** The time of the first record the sink job maps (same JVM: a local Flink cluster). */
    static final AtomicLong FIRST_RECORD = new AtomicLong();

    /** Location {@code i} as the update the discovery job's tracker emits. */
    static final class ToLocationUpdate implements MapFunction<Long, LocationUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public LocationUpdate map(Long i) {
            FIRST_RECORD.compareAndSet(0, System.nanoTime());
            LocationDocument d = BenchLocations.document(i);
            LocationUpdate u = new LocationUpdate();
            u.documentId = d.id();
            u.document = d.toJson();
            u.version = d.sourceLsn();
            return u;
        }
    }

    /** The discovery job's sink fed with the documents; returns {from first record, total} s. */
    private static double[] sinkLoad(StackSettings s, String index, long n) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSequence(0, n - 1)
                .map(new ToLocationUpdate())
                .name("locations")
                .sinkTo(
                        ElasticsearchSink.<LocationUpdate>builder()
                                .setUrl(s.elasticsearchUrl(), s.elasticsearchUser())
                                .setConverter(new LocationUpdate.Converter(index))
                                .build())
                .name("locations-index");
        FIRST_RECORD.set(0);
        long t0 = System.nanoTime();
        env.execute("bench-discovery-sink");
        long t1 = System.nanoTime();
        return new double[] {(t1 - FIRST_RECORD.get()) / 1e9, (t1 - t0) / 1e9};
    }

    // ---------------------------------------------------------------- search

    enum QueryKind {
        EMAIL,
        PHONE,
        NAME
    }

    private void search(StackSettings s, ElasticsearchConnection.Clients es, RawBulkLoader raw)
            throws Exception {
        String first = BenchLocations.document(0).id();
        if (es.client().exists(r -> r.index(LocationDocument.INDEX).id(first)).value()) {
            throw new IllegalArgumentException(
                    "the locations index holds an earlier run's documents: pass an empty"
                            + " --elasticsearch-dir (and --data-dir)");
        }
        double loadSeconds = raw.load(LocationDocument.INDEX, 0, locations, 5_000, RAW_IN_FLIGHT);
        es.client().indices().refresh(r -> r.index(LocationDocument.INDEX));
        long total = es.client().count(r -> r.index(LocationDocument.INDEX)).count();
        row(
                "locations index before searching",
                String.format(
                        "%d documents (%d generated, %d persons; loaded at %.0f/s by `_bulk`)",
                        total,
                        locations,
                        locations / BenchLocations.PER_SUBJECT,
                        locations / loadSeconds));

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer =
                new Thread(
                        () -> background(raw, writing, written, locations),
                        "bench-background-indexing");
        SubjectSearchProbe probe = new SubjectSearchProbe(es.client(), LocationDocument.INDEX);
        long persons = locations / BenchLocations.PER_SUBJECT;
        SplittableRandom random = new SplittableRandom(20250314L);
        Map<QueryKind, List<Long>> byKind = new EnumMap<>(QueryKind.class);
        List<Long> all = new ArrayList<>();
        List<Long> api = new ArrayList<>();
        List<Long> added = new ArrayList<>();
        int wrong = 0;
        int apiWrong = 0;
        ApiFind front = ApiFind.signIn(s);
        writer.start();
        long w0 = System.nanoTime();
        try {
            for (int q = 0; q < warmup + queries; q++) {
                long n = random.nextLong(persons);
                QueryKind kind = QueryKind.values()[q % QueryKind.values().length];
                String text =
                        switch (kind) {
                            case EMAIL -> BenchLocations.email(n);
                            case PHONE -> "+49 30 2" + BenchLocations.phone(n).substring(6);
                            case NAME ->
                                    BenchLocations.firstName(n) + " " + BenchLocations.lastName(n);
                        };
                String expected = BenchLocations.subject(n);
                // the same search in process and through the server, in alternating order
                long nanos = 0;
                long apiNanos = 0;
                for (int leg = 0; leg < 2; leg++) {
                    if ((leg == 0) == (q % 2 == 0)) {
                        long t0 = System.nanoTime();
                        List<SubjectSearchProbe.Found> found = probe.find(text);
                        nanos = System.nanoTime() - t0;
                        if (found.stream().noneMatch(f -> f.subjectId().equals(expected))) {
                            wrong++;
                        }
                    } else {
                        long t0 = System.nanoTime();
                        String body = front.find(text);
                        apiNanos = System.nanoTime() - t0;
                        if (!body.contains("\"" + expected + "\"")) {
                            apiWrong++;
                        }
                    }
                }
                if (q >= warmup) {
                    all.add(nanos);
                    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(nanos);
                    api.add(apiNanos);
                    added.add(apiNanos - nanos);
                }
            }
        } finally {
            writing.set(false);
            writer.join();
        }
        double writerSeconds = (System.nanoTime() - w0) / 1e9;
        row(
                "background indexing while searching",
                String.format(
                        "%d locations in %.1f s (%.0f/s, asked %d/s)",
                        written.get(),
                        writerSeconds,
                        written.get() / writerSeconds,
                        backgroundRate));
        for (Map.Entry<QueryKind, List<Long>> e : byKind.entrySet()) {
            long[] ns = e.getValue().stream().mapToLong(Long::longValue).toArray();
            row(
                    "`subject find` by " + e.getKey().name().toLowerCase(java.util.Locale.ROOT),
                    String.format(
                            "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d searches)",
                            ms(ns, 50), ms(ns, 95), ms(ns, 99), ns.length));
        }
        long[] ns = all.stream().mapToLong(Long::longValue).toArray();
        row(
                "**`subject find`, all " + ns.length + " searches**",
                String.format(
                        "**p50 %.1f ms, p95 %.1f ms, p99 %.1f ms** (targets p50 ≤ 10 ms, p99 ≤ 50"
                                + " ms)",
                        ms(ns, 50), ms(ns, 95), ms(ns, 99)));
        row(
                "searches that missed their person",
                (wrong == 0 ? "0" : Integer.toString(wrong)) + " of " + (warmup + queries));
        long[] apiNs = api.stream().mapToLong(Long::longValue).toArray();
        row(
                "**find through the server** (`GET /api/v1/subjects`, loopback, bearer token,"
                        + " access recorded in Kafka before the answer)",
                String.format(
                        "**p50 %.1f ms, p95 %.1f ms, p99 %.1f ms** (target p99 ≤ 50 ms); missed"
                                + " %d of %d",
                        ms(apiNs, 50), ms(apiNs, 95), ms(apiNs, 99), apiWrong, warmup + queries));
        double[] searchMs = ApiFind.TIMINGS.stream().mapToDouble(t -> t[0]).sorted().toArray();
        double[] recordMs = ApiFind.TIMINGS.stream().mapToDouble(t -> t[1]).sorted().toArray();
        if (searchMs.length > 0) {
            row(
                    "inside the server (Server-Timing): search / recording the access in Kafka",
                    String.format(
                            "p50 %.1f / %.1f ms, p95 %.1f / %.1f ms",
                            searchMs[searchMs.length / 2],
                            recordMs[recordMs.length / 2],
                            searchMs[(int) (searchMs.length * 0.95)],
                            recordMs[(int) (recordMs.length * 0.95)]));
        }
        long[] addedNs = added.stream().mapToLong(Long::longValue).sorted().toArray();
        row(
                "server's added cost per search (paired: API − in process, same query)",
                String.format(
                        "p50 %.1f ms, p95 %.1f ms (target p50 ≤ 5 ms)",
                        addedNs[addedNs.length / 2] / 1e6,
                        addedNs[(int) Math.min(addedNs.length - 1, addedNs.length * 0.95)] / 1e6));
    }

    /** A DPO signed in to the stack's server, searching through {@code GET /api/v1/subjects}. */
    private record ApiFind(java.net.http.HttpClient http, java.net.URI base, String token) {

        static ApiFind signIn(StackSettings s) throws Exception {
            javax.sql.DataSource db = s.postgresDataSource("lethe-bench");
            String user = "bench-dpo-" + Long.toHexString(System.nanoTime());
            String password = dev.lethe.server.Passwords.generate();
            new dev.lethe.server.JdbcUserStore(db)
                    .ensureSchema()
                    .add(
                            user,
                            dev.lethe.server.Role.DPO,
                            new dev.lethe.server.Passwords().hash(password));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String body = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
            java.net.http.HttpResponse<String> r =
                    http.send(
                            java.net.http.HttpRequest.newBuilder(
                                            s.serverUrl().resolve("/api/v1/token"))
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("sign-in to the server failed: " + r.statusCode());
            }
            String token =
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(r.body())
                            .get("access_token")
                            .asText();
            return new ApiFind(http, s.serverUrl(), token);
        }

        /** The server's own account of each search: {search ms, record ms}. */
        static final List<double[]> TIMINGS = new java.util.concurrent.CopyOnWriteArrayList<>();

        String find(String text) throws Exception {
            java.net.http.HttpResponse<String> r =
                    http.send(
                            java.net.http.HttpRequest.newBuilder(
                                            base.resolve(
                                                    "/api/v1/subjects?purpose=bench&q="
                                                            + java.net.URLEncoder.encode(
                                                                    text, StandardCharsets.UTF_8)))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the server answered " + r.statusCode());
            }
            java.util.regex.Matcher m =
                    Pattern.compile("search;dur=([0-9.]+), record;dur=([0-9.]+)")
                            .matcher(r.headers().firstValue("Server-Timing").orElse(""));
            if (m.find()) {
                TIMINGS.add(
                        new double[] {
                            Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))
                        });
            }
            return r.body();
        }
    }

    /** Indexes new persons' locations at {@link #backgroundRate} until told to stop. */
    private void background(
            RawBulkLoader raw, AtomicBoolean writing, AtomicLong written, long from) {
        int perTick = Math.max(1, backgroundRate / 10);
        long next = from;
        long tick = System.nanoTime();
        try {
            while (writing.get()) {
                raw.loadOnce(LocationDocument.INDEX, next, next + perTick);
                next += perTick;
                written.addAndGet(perTick);
                tick += TimeUnit.MILLISECONDS.toNanos(100);
                long sleep = tick - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("background indexing failed", e);
        }
    }

    private static double ms(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int at = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, at)] / 1e6;
    }

    /** Discards what a command prints on stderr (its progress line). */
    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
