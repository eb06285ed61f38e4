package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.keys.EnvMasterKeySource;
import dev.lethe.keys.FileMasterKeySource;
import dev.lethe.keys.JdbcSubjectKeyStore;
import dev.lethe.keys.MasterKeySource;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import dev.lethe.server.AuditQuery;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "log",
        description = {
            "Shows audit entries with who changed what, per field, read from the log of record"
                    + " (Kafka, read_committed). Personal values are decrypted when their subject's"
                    + " key exists and shown as [erased] when it was destroyed.",
            "Entries print oldest first; --limit keeps the most recent N matches.",
            "Goes through Lethe's server (sign in with ./lethe login): an auditor reads every"
                    + " entry with personal values masked, a DPO one subject's history with values"
                    + " (--subject, --purpose), recorded. --break-glass REASON reads the log of"
                    + " record directly and decrypts with the key store (recorded)."
        },
        mixinStandardHelpOptions = true)
final class AuditLogCommand implements Callable<Integer> {

    /** The master key file of the local stack, relative to the data directory. */
    static final String MASTER_KEY_FILE = "secrets/master.key";

    @Mixin StackOptions options;

    @Mixin AuditTopics topics;

    @Option(names = "--table", description = "Only entries about rows of this table.")
    String table;

    @Option(
            names = "--key",
            description = "Only this record: an entity id (contacts/42), id=42, or 42.")
    String key;

    @Option(
            names = "--subject",
            description =
                    "Only entries about this person: a subject id (contact:42), or an email, phone"
                            + " or @handle resolved through the discovery index.")
    String subject;

    @Option(
            names = "--op",
            description = "Only this operation (INSERT, UPDATE, DELETE, PURGE, EXPORT...).")
    String op;

    @Option(
            names = "--actor",
            description =
                    "Only this actor: a type (agent), type:id (agent:7, database:helpdesk_app), or"
                            + " for changes whose transaction named no actor what the database"
                            + " knew: application=NAME, role=ROLE or client=ADDRESS.")
    String actor;

    @Option(
            names = "--since",
            description =
                    "Committed at or after: ISO instant, date, or duration before now (2h ago).")
    String since;

    @Option(names = "--until", description = "Committed before (same forms as --since).")
    String until;

    @Option(
            names = "--limit",
            defaultValue = "50",
            description =
                    "Show at most the N most recent matches; 0 = all, each printed as it is read"
                            + " (constant memory for any log) (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--no-decrypt",
            description = "Do not read the key store: personal values stay [encrypted].")
    boolean noDecrypt;

    @Option(names = "--json", description = "Print {entries: [...]} as JSON.")
    boolean json;

    @Option(
            names = "--purpose",
            description =
                    "Through the server, a DPO reads one subject's history (--subject) with its"
                            + " values for a purpose or case reference, recorded with the access.")
    String purpose;

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 (all) or positive, got " + limit);
        }
        StackSettings s = options.resolve();
        Clock clock = Clock.systemUTC();
        java.time.Instant from = AuditEntryFilter.instant("--since", since, clock);
        java.time.Instant to = AuditEntryFilter.instant("--until", until, clock);
        if (!breakGlass.on()) {
            topics.directOnly(breakGlass);
            breakGlass.directOnly("--no-decrypt", noDecrypt);
            if (subject != null && !dev.lethe.keys.SubjectIds.isValid(subject)) {
                throw new IllegalArgumentException(
                        "--subject: through the server give a subject id like contact:42 (./lethe"
                                + " subject find tells it)");
            }
            ServerClient server = new ServerClient(s);
            print(
                    throughServer(path -> server.get(path).expect(200).body(), from, to),
                    json,
                    System.out);
            return 0;
        }
        Set<String> subjects = subjects(s);
        breakGlass.record(
                s,
                "audit-log",
                List.copyOf(subjects),
                0,
                subject == null ? null : SubjectFindCommand.kind(SubjectQuery.parse(subject)));
        AuditEntryFilter filter = new AuditEntryFilter(table, key, subjects, op, actor, from, to);
        // without a limit, entries are written as they are read: constant memory for any log
        Iterable<AuditEntry> shown = select(topics.source(s).entries(0), filter, limit);
        if (noDecrypt) {
            print(shown, new AuditEntryText(AuditEntryText.PersonalValues.NONE), json, System.out);
            return 0;
        }
        try (KeyStoreValues values = KeyStoreValues.open(s)) {
            print(shown, new AuditEntryText(values.personal()), json, System.out);
        }
        return 0;
    }

    /** Reads the server: the JSON answer to a GET of {@code path} (a refusal throws). */
    @FunctionalInterface
    interface ServerPages {
        JsonNode get(String path) throws Exception;
    }

    /** The server's audit log ({@code GET /api/v1/audit/entries}). */
    static final String ENTRIES = "/api/v1/audit/entries";

    /**
     * The matching entries from the server, oldest first: all of them ({@code --limit 0}) read
     * oldest first page by page and printed as each page arrives, or the {@code --limit} most
     * recent, read newest first (held, at most {@code --limit}, to print them oldest first).
     */
    private Iterable<JsonNode> throughServer(
            ServerPages server, java.time.Instant from, java.time.Instant to) throws Exception {
        StringBuilder query = new StringBuilder();
        param(query, "table", table);
        param(query, "key", key);
        param(query, "subject", subject);
        param(query, "op", op);
        param(query, "actor", actor);
        param(query, "since", from == null ? null : from.toString());
        param(query, "until", to == null ? null : to.toString());
        param(query, "purpose", purpose);
        return limit == 0
                ? oldestFirst(server, query.toString())
                : newestFirst(server, query.toString(), limit);
    }

    /**
     * Every matching entry, oldest first, read in pages of {@value AuditQuery#MAX_LIMIT} ({@code
     * order=oldest}, each page after the previous one's {@code next}) as it is iterated: at most
     * one page is held. The first page is read at once (a refusal is said before anything prints);
     * the result is iterated once.
     *
     * @param query the filters, as {@code &name=value} pairs
     */
    static Iterable<JsonNode> oldestFirst(ServerPages server, String query) throws Exception {
        String first =
                ENTRIES
                        + "?order="
                        + AuditQuery.Order.OLDEST.id()
                        + "&limit="
                        + AuditQuery.MAX_LIMIT
                        + query;
        // handed to the one iteration, and not held here once it is read past
        java.util.concurrent.atomic.AtomicReference<JsonNode> firstPage =
                new java.util.concurrent.atomic.AtomicReference<>(server.get(first));
        return () -> {
            JsonNode start = firstPage.getAndSet(null);
            if (start == null) {
                throw new IllegalStateException("the server's pages are read once");
            }
            return new java.util.Iterator<>() {
                private JsonNode answer = start;
                private java.util.Iterator<JsonNode> page = start.path("entries").iterator();

                @Override
                public boolean hasNext() {
                    while (!page.hasNext()) {
                        JsonNode next = answer.path("next");
                        // a page without entries ends the read, whatever its next says
                        if (!next.isTextual() || answer.path("entries").isEmpty()) {
                            return false;
                        }
                        try {
                            answer = server.get(first + "&after=" + ServerClient.q(next.asText()));
                        } catch (RuntimeException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IllegalStateException(
                                    "reading the audit log from the server: " + e.getMessage(), e);
                        }
                        page = answer.path("entries").iterator();
                    }
                    return true;
                }

                @Override
                public JsonNode next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return page.next();
                }
            };
        };
    }

    /**
     * The {@code limit} most recent matching entries, oldest first, read newest first in pages of
     * at most {@value AuditQuery#MAX_LIMIT}: holds at most {@code limit}.
     */
    static ArrayDeque<JsonNode> newestFirst(ServerPages server, String query, int limit)
            throws Exception {
        if (limit <= 0) {
            throw new IllegalArgumentException("newest first reads a positive limit");
        }
        ArrayDeque<JsonNode> entries = new ArrayDeque<>();
        String after = null;
        do {
            int page = Math.min(AuditQuery.MAX_LIMIT, limit - entries.size());
            JsonNode answer =
                    server.get(
                            ENTRIES
                                    + "?limit="
                                    + page
                                    + query
                                    + (after == null ? "" : "&after=" + ServerClient.q(after)));
            // newest first: each older entry goes in front
            for (JsonNode e : answer.path("entries")) {
                if (entries.size() == limit) {
                    break;
                }
                entries.addFirst(e);
            }
            after = answer.path("next").isTextual() ? answer.path("next").asText() : null;
            if (answer.path("entries").isEmpty()) {
                after = null;
            }
        } while (after != null && entries.size() < limit);
        return entries;
    }

    private static void param(StringBuilder query, String name, String value) {
        if (value != null) {
            query.append('&').append(name).append('=').append(ServerClient.q(value));
        }
    }

    /** The entries in their JSON form, converted as they are iterated. */
    static Iterable<JsonNode> asJson(Iterable<AuditEntry> entries, AuditEntryText format) {
        return () ->
                java.util.stream.StreamSupport.stream(entries.spliterator(), false)
                        .map(e -> (JsonNode) format.json(e))
                        .iterator();
    }

    /** The matching entries of {@code log}, read as they are iterated (nothing is kept). */
    static Iterable<AuditEntry> matching(Iterable<AuditEntry> log, AuditEntryFilter filter) {
        return () ->
                java.util.stream.StreamSupport.stream(log.spliterator(), false)
                        .filter(filter)
                        .iterator();
    }

    /**
     * The matching entries, oldest first, at most the {@code limit} most recent: with a limit, the
     * last {@code limit} matches are held while the log is read; without one (0), {@link
     * #matching}: read as they are iterated, nothing held.
     */
    static Iterable<AuditEntry> select(
            Iterable<AuditEntry> log, AuditEntryFilter filter, int limit) {
        if (limit == 0) {
            return matching(log, filter);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 (all) or positive");
        }
        ArrayDeque<AuditEntry> kept = new ArrayDeque<>();
        for (AuditEntry e : log) {
            if (filter.test(e)) {
                kept.addLast(e);
                if (kept.size() > limit) {
                    kept.removeFirst();
                }
            }
        }
        return kept;
    }

    /** Prints entries read here, through {@link #print(Iterable, boolean, PrintStream)}. */
    static void print(
            Iterable<AuditEntry> entries, AuditEntryText format, boolean json, PrintStream out)
            throws Exception {
        print(asJson(entries, format), json, out);
    }

    /**
     * Prints entries in their JSON form ({@link AuditEntryText#json}, read here or the server's):
     * {@code {"entries": [...]}} with {@code --json}, written entry by entry and never built whole,
     * else {@link AuditEntryText#text(JsonNode)} each. Both paths print here.
     */
    static void print(Iterable<JsonNode> entries, boolean json, PrintStream out) throws Exception {
        if (json) {
            ObjectMapper m = new ObjectMapper();
            com.fasterxml.jackson.core.JsonGenerator g =
                    m.getFactory()
                            .createGenerator(out)
                            .disable(
                                    com.fasterxml.jackson.core.JsonGenerator.Feature
                                            .AUTO_CLOSE_TARGET)
                            .useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("entries");
            for (JsonNode e : entries) {
                m.writeTree(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            out.println();
            return;
        }
        boolean any = false;
        for (JsonNode e : entries) {
            out.print(AuditEntryText.text(e));
            any = true;
        }
        if (!any) {
            out.println("no matching audit entries");
        }
    }

    private Set<String> subjects(StackSettings s) throws Exception {
        if (subject == null) {
            return Set.of();
        }
        SubjectQuery q = SubjectQuery.parse(subject);
        if (q.kind() == SubjectQuery.Kind.SUBJECT) {
            return Set.of(q.value());
        }
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElse(null))) {
            Set<String> found =
                    SubjectFinder.onIndex(clients.client(), LocationDocument.INDEX).subjects(q);
            if (found.isEmpty()) {
                throw new IllegalArgumentException(
                        "--subject: nobody found for that "
                                + q.kind().name().toLowerCase(java.util.Locale.ROOT)
                                + " in the discovery index; give a subject id like contact:42");
            }
            return found;
        }
    }

    /** The subject key store of the helpdesk database, for reading personal values. */
    static final class KeyStoreValues implements AutoCloseable {
        private final AuditEntryText.PersonalValues personal;

        private KeyStoreValues(AuditEntryText.PersonalValues personal) {
            this.personal = personal;
        }

        /** With no master key (env or file), values stay encrypted. */
        static KeyStoreValues open(StackSettings s) {
            return new KeyStoreValues(
                    cipher(s)
                            .map(AuditEntryText.PersonalValues::of)
                            .orElse(AuditEntryText.PersonalValues.NONE));
        }

        /** The subject cipher over the key store, or empty without a master key. */
        static java.util.Optional<SubjectCipher> cipher(StackSettings s) {
            Path file = s.dataDir().resolve(MASTER_KEY_FILE);
            MasterKeySource master;
            if (System.getenv(EnvMasterKeySource.DEFAULT_VARIABLE) != null) {
                master = EnvMasterKeySource.fromEnvironment();
            } else if (Files.isRegularFile(file)) {
                master = new FileMasterKeySource(file);
            } else {
                return java.util.Optional.empty();
            }
            JdbcSubjectKeyStore store =
                    JdbcSubjectKeyStore.builder()
                            .dataSource(s.postgresDataSource("lethe-key-store"))
                            .masterKeys(master)
                            .build();
            return java.util.Optional.of(new SubjectCipher(store));
        }

        AuditEntryText.PersonalValues personal() {
            return personal;
        }

        @Override
        public void close() {}
    }
}
