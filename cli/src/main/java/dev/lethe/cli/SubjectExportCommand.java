package dev.lethe.cli;

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
                    + " and the command fails."
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
            description = "Who asks for the export (default: the OS user).")
    String requestedBy = System.getProperty("user.name");

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

    @Override
    public Integer call() throws Exception {
        // the reason is recorded in the audit log, which is never erased
        PersonalDataInText.requireNone("--reason", reason);
        if (requestedBy != null && requestedBy.indexOf('@') >= 0) {
            throw new IllegalArgumentException(
                    "--requested-by is kept in the audit log for good: give a user name or staff"
                            + " id, not an email address");
        }
        StackSettings s = options.resolve();
        PrintStream err = System.err;
        List<Format> chosen =
                formats.isEmpty()
                        ? List.of(Format.values())
                        : List.copyOf(new LinkedHashSet<>(formats));
        PersonalDataCatalog catalog =
                catalogFile == null
                        ? PersonalDataCatalog.loadDefault()
                        : PersonalDataCatalog.load(catalogFile);
        Exported done =
                export(
                        s,
                        SubjectQuery.parse(subject),
                        chosen,
                        out,
                        requestedBy,
                        reason,
                        catalog,
                        ProcessingRegister.load(register),
                        index,
                        err);
        ExportPackage pkg = done.pkg();
        List<Path> files = done.files();
        Person person = done.person();
        System.out.printf(
                "%s: %d items (%d mentions in other people's records) -> %s%n",
                person.subjectId(), pkg.items().size(), pkg.mentions(), files);
        return 0;
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
                            catalog,
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
            AuditRequests.send(s.kafkaBootstrap(), person.subjectId(), record);
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
