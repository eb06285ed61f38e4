package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.cli.ExportFiles.Format;
import dev.lethe.cli.SubjectExport.ExportPackage;
import dev.lethe.cli.SubjectFinder.Person;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "export",
        description = {
            "Writes a person's data as an Art. 15 / Art. 20 package: their current data read from the"
                    + " helpdesk database, with category, purpose, legal basis, source, retention and"
                    + " where it is stored, as JSON, CSV and an HTML page.",
            "The export is recorded on the Kafka topic "
                    + AuditRequests.TOPIC
                    + " (subject id, who, why,"
                    + " file hashes; never the data). If it cannot be recorded, the files are removed"
                    + " and the command fails.",
            "Goes through Lethe's server (sign in with ./lethe login; --reason is the purpose it"
                    + " records): the server's package is unpacked into --out. --break-glass REASON"
                    + " reads the stores directly (recorded in the audit log)."
        },
        mixinStandardHelpOptions = true)
final class SubjectExportCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Parameters(
            index = "0",
            paramLabel = "<subject>",
            description = "contact:ID, or an email, phone or @handle that identifies one person.")
    String subject;

    @Option(
            names = "--format",
            split = ",",
            description = "json, csv and/or html (comma-separated or repeated; default all three).")
    List<Format> formats = new ArrayList<>();

    @Option(names = "--out", required = true, description = "Directory to write the package into.")
    Path out;

    @Option(
            names = "--reason",
            description =
                    "Why (e.g. the request's reference), recorded in the audit log for good; refused"
                            + " if it holds an email, phone, IBAN, card number or handle.")
    String reason;

    @Option(
            names = "--requested-by",
            description =
                    "Who asks for the export (default: the OS user; with --break-glass only: the"
                            + " server records the signed-in user).")
    String requestedBy;

    @Option(
            names = "--register",
            description = "Processing register file (default: the shipped one).")
    Path register;

    @Option(
            names = "--catalog",
            description = "Personal-data catalog file (default: the shipped one).")
    Path catalogFile;

    @Option(names = "--index", description = "The locations index (default ${DEFAULT-VALUE}).")
    String index = LocationDocument.INDEX;

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        // the reason is recorded in the audit log, which is never erased
        PersonalDataInText.requireNone("--reason", reason);
        if (requestedBy != null && requestedBy.indexOf('@') >= 0) {
            throw new IllegalArgumentException(
                    "--requested-by is kept in the audit log for good: give a user name or staff"
                            + " id, not an email address");
        }
        breakGlass.directOnly("--requested-by", requestedBy != null);
        breakGlass.directOnly("--register", register != null);
        breakGlass.directOnly("--catalog", catalogFile != null);
        breakGlass.directOnly("--index", !LocationDocument.INDEX.equals(index));
        SubjectQuery q = SubjectQuery.parse(subject);
        StackSettings s = options.resolve();
        List<Format> chosen =
                formats.isEmpty()
                        ? List.of(Format.values())
                        : List.copyOf(new LinkedHashSet<>(formats));
        if (!breakGlass.on()) {
            return throughServer(new ServerClient(s), q, chosen);
        }
        breakGlass.record(
                s,
                "export",
                q.kind() == SubjectQuery.Kind.SUBJECT ? List.of(q.value()) : List.of(),
                1,
                SubjectFindCommand.kind(q));
        PersonalDataCatalog catalog =
                catalogFile == null
                        ? PersonalDataCatalog.loadDefault()
                        : PersonalDataCatalog.load(catalogFile);
        Exported done =
                export(
                        s,
                        q,
                        chosen,
                        out,
                        requestedBy == null ? System.getProperty("user.name") : requestedBy,
                        reason,
                        catalog,
                        ProcessingRegister.load(register),
                        index,
                        System.err);
        printDone(
                done.person().subjectId(),
                done.pkg().items().size(),
                done.pkg().mentions(),
                done.files());
        return 0;
    }

    /** What both paths print once the package is written. */
    static void printDone(String subjectId, long items, long mentions, List<Path> files) {
        System.out.printf(
                "%s: %d items (%d mentions in other people's records) -> %s%n",
                subjectId, items, mentions, files);
    }

    /**
     * The export through Lethe's server: a term that is not a subject id is looked up first (a
     * find, recorded), then the server's zip is unpacked into {@code --out}, the chosen formats
     * only.
     */
    private int throughServer(ServerClient server, SubjectQuery q, List<Format> chosen)
            throws Exception {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException(
                    "--reason is required through the server: why the export is made (e.g. the"
                            + " request's reference); it is recorded with the access");
        }
        String subjectId = q.value();
        if (q.kind() != SubjectQuery.Kind.SUBJECT) {
            JsonNode people =
                    server.get(
                                    "/api/v1/subjects?q="
                                            + ServerClient.q(subject)
                                            + "&purpose="
                                            + ServerClient.q(reason))
                            .expect(200)
                            .body()
                            .path("people");
            if (people.isEmpty()) {
                throw new IllegalArgumentException(
                        "nobody found for the given " + SubjectFindCommand.kind(q));
            }
            if (people.size() > 1) {
                List<String> ids = new ArrayList<>();
                people.forEach(p -> ids.add(p.path("subjectId").asText()));
                throw new IllegalArgumentException(
                        "more than one person matches: " + ids + "; export one subject id");
            }
            subjectId = people.get(0).path("subjectId").asText();
        }
        ServerClient.Download d =
                server.download(
                        "/api/v1/subjects/"
                                + subjectId
                                + "/exports?purpose="
                                + ServerClient.q(reason),
                        java.time.Duration.ofMinutes(10));
        if (d.status() == 404) {
            throw new IllegalArgumentException(
                    "nobody found for the given " + SubjectFindCommand.kind(q));
        }
        Unzipped files = unzip(d.expect(201), subjectId, chosen, out);
        printDone(subjectId, files.items(), files.mentions(), files.files());
        return 0;
    }

    /** The files of a package unpacked, with the counts its JSON file states. */
    record Unzipped(List<Path> files, long items, long mentions) {}

    /**
     * Unpacks the server's zip into {@code dir}: the files of the chosen formats, under the names
     * {@link ExportFiles#write} gives them (nothing else is written).
     */
    static Unzipped unzip(byte[] zip, String subjectId, List<Format> chosen, Path dir)
            throws Exception {
        String base = subjectId.replace(':', '-') + "-export";
        java.util.Map<String, byte[]> entries = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream z =
                new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e; (e = z.getNextEntry()) != null; ) {
                entries.put(e.getName(), z.readAllBytes());
            }
        }
        byte[] json = entries.get(base + "." + Format.JSON.extension());
        if (json == null) {
            throw new IllegalStateException("the server's export has no " + base + ".json");
        }
        JsonNode pkg = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (Format f : chosen) {
            String name = base + "." + f.extension();
            byte[] content = entries.get(name);
            if (content == null) {
                throw new IllegalStateException("the server's export has no " + name);
            }
            Path file = dir.resolve(name);
            Files.write(file, content);
            files.add(file);
        }
        return new Unzipped(
                files, pkg.path("items").asLong(), pkg.path("mentionsInOtherRecords").asLong());
    }

    /** A package written and recorded: the person, the package and its files. */
    record Exported(Person person, ExportPackage pkg, List<Path> files) {}

    /**
     * Reads a person's package in one database snapshot, writes it into {@code out} and records the
     * export on {@value AuditRequests#TOPIC}; if it cannot be recorded, the files are removed and
     * this throws. What {@code ./lethe subject export} and Lethe's server both do.
     */
    static Exported export(
            StackSettings s,
            SubjectQuery q,
            List<Format> chosen,
            Path out,
            String requestedBy,
            String reason,
            PersonalDataCatalog catalog,
            ProcessingRegister processing,
            String index,
            PrintStream err)
            throws Exception {
        Person person;
        List<LocationDocument> others;
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElse(null))) {
            SubjectFinder finder = SubjectFinder.onIndex(clients.client(), index);
            Set<String> subjects = finder.subjects(q);
            if (subjects.isEmpty()) {
                throw new IllegalArgumentException(
                        "nobody found for the given "
                                + q.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (subjects.size() > 1) {
                throw new IllegalArgumentException(
                        "more than one person matches: " + subjects + "; export one subject id");
            }
            person = finder.person(subjects.iterator().next());
            others = finder.othersInRowsOf(person);
        }
        ExportPackage pkg;
        try (Connection db = StackProbe.connectPostgres(s)) {
            db.setReadOnly(true);
            db.setAutoCommit(false);
            // one snapshot of the database for the whole package
            db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            SubjectExport export =
                    new SubjectExport(
                            db,
                            LiveCatalog.apply(db, catalog),
                            processing,
                            (table, rows, items) ->
                                    err.printf(
                                            "\rexporting %s: %-12s %6d rows, %6d items",
                                            person.subjectId(), table, rows, items));
            pkg = export.read(person.subjectId(), person.name(), person.locations(), others);
            db.commit();
        }
        err.println();
        List<Path> files = ExportFiles.write(pkg, chosen, out);
        try {
            byte[] record =
                    AuditRequests.exportRecord(
                            person.subjectId(),
                            requestedBy,
                            reason,
                            pkg.items().size(),
                            pkg.mentions(),
                            files,
                            pkg.generatedAt());
            AuditRequests.send(s.kafkaClient(), person.subjectId(), record);
        } catch (Exception e) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            throw new IllegalStateException(
                    "the export could not be recorded in "
                            + AuditRequests.TOPIC
                            + " ("
                            + e.getClass().getSimpleName()
                            + "), so its files were removed",
                    e);
        }
        return new Exported(person, pkg, files);
    }
}
