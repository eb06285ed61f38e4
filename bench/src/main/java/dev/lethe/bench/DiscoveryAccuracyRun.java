package dev.lethe.bench;

import dev.lethe.bench.DiscoveryAccuracy.Judged;
import dev.lethe.bench.DiscoveryAccuracy.Outcome;
import dev.lethe.bench.DiscoveryAccuracy.Recorded;
import dev.lethe.bench.DiscoveryAccuracy.Tally;
import dev.lethe.bench.DiscoveryAccuracy.TextResult;
import dev.lethe.bench.DiscoveryEvalSet.Agent;
import dev.lethe.bench.DiscoveryEvalSet.Contact;
import dev.lethe.bench.DiscoveryEvalSet.Text;
import dev.lethe.bench.DiscoveryEvalSet.Truth;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.Finding;
import dev.lethe.discovery.FreeTextScanner;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PaymentCardDetector;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.PiiKind;
import dev.lethe.discovery.RowLocator;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./lethe bench discovery --accuracy}: the evaluation set ({@link DiscoveryEvalSet}) through
 * the discovery job's own code, no servers. As {@code DetectLocations} does: a {@link
 * SubjectDirectory} learns every contact and agent row first, then each text is stored as the row
 * its source says (a ticket's description, a thread message with its addresses, an internal
 * comment) and located by a {@link RowLocator} with the job's configured regions ({@link
 * PhoneDetector#DEFAULT_REGIONS}), so the writer's regions come from the row as in the job; the
 * ticket a reply or comment is in is known by its contact ({@code ParentSubjects}, which the job
 * reads from the helpdesk). The free-text locations of the text's column are compared with its
 * ground truth ({@link DiscoveryAccuracy}).
 *
 * <p>For comparison the same texts also go through {@link FreeTextScanner#scan(String, List)} with
 * the writer's own region given directly (what the job would record if every row carried its
 * writer's region). Each text's misses, wrong values and false findings are written to a file.
 */
final class DiscoveryAccuracyRun {

    private static final Instant AT = Instant.parse("2026-12-01T09:00:00Z");

    private final PrintStream out;
    private final PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
    private final SubjectDirectory directory =
            new SubjectDirectory(catalog, PhoneDetector.DEFAULT_REGIONS);
    private final Map<String, String> emailOf = new HashMap<>();

    /** tickets/<id> -> the ticket's contact, as the job reads it from the helpdesk. */
    private final Map<String, String> ticketContacts = new HashMap<>();

    private final RowLocator locator =
            new RowLocator(catalog, directory, PhoneDetector.DEFAULT_REGIONS)
                    .resolvingParentsWith(
                            record -> Optional.ofNullable(ticketContacts.get(record)));
    private long lsn = 1;

    DiscoveryAccuracyRun(PrintStream out) {
        this.out = out;
    }

    /** Measures the set, prints the tables, writes the per-text report to {@code misses}. */
    int run(Path misses) throws IOException {
        long t0 = System.nanoTime();
        DiscoveryEvalSet set = DiscoveryEvalSet.load();
        for (Contact c : set.contacts) {
            directory.apply(insert("contacts", contactRow(c)));
            emailOf.put(c.subjectId(), c.email());
        }
        for (Agent a : set.agents) {
            directory.apply(insert("agents", agentRow(a)));
            emailOf.put(a.subjectId(), a.email());
        }
        FreeTextScanner scanner =
                new FreeTextScanner(PhoneDetector.DEFAULT_REGIONS, directory.names());
        Tally job = new Tally();
        Tally withRegion = new Tally();
        List<TextResult> results = new ArrayList<>();
        Map<String, List<String>> passed = new LinkedHashMap<>();
        long row = 1;
        for (Text t : set.texts) {
            List<Recorded> recorded = locate(t, row++);
            TextResult r = DiscoveryAccuracy.judge(t, recorded);
            job.add(r);
            results.add(r);
            passed.put(t.id(), regionsPassed(t));
            List<Recorded> scanned = new ArrayList<>();
            for (Finding f : scanner.scan(t.text(), List.of(t.region()))) {
                scanned.add(recorded(f));
            }
            withRegion.add(DiscoveryAccuracy.judge(t, scanned));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        out.printf(
                "evaluation set version %d: %d texts in %d languages, %d pieces of personal data,"
                        + " %d hard negatives; %d contacts and %d agents in the directory;"
                        + " %.1f s%n",
                set.version,
                set.texts.size(),
                job.byLanguage.size(),
                job.overall.truths,
                set.texts.stream().mapToInt(t -> t.negatives().size()).sum(),
                set.contacts.size(),
                set.agents.size(),
                seconds);
        out.println(BenchStacks.besideLine(BenchStacks.NO_STACK));
        out.println(
                "path: RowLocator as DetectLocations runs it, configured regions "
                        + String.join(", ", PhoneDetector.DEFAULT_REGIONS)
                        + "; writer's regions from the row: a ticket its contact's, a reply"
                        + " those of the subjects its addresses name, then (a reply, an internal"
                        + " comment) those of its ticket's contact");
        out.println();
        out.println("### Per kind");
        out.println();
        out.print(DiscoveryAccuracy.kindTable(job));
        out.println();
        out.print(DiscoveryAccuracy.nameSplit(job));
        out.println();
        out.println("### Per language");
        out.println();
        out.print(DiscoveryAccuracy.languageTable(job));
        out.println();
        out.println("### False findings");
        out.println();
        out.print(DiscoveryAccuracy.falseTable(job));
        out.println();
        out.println(
                "### For comparison: FreeTextScanner.scan(text, [writer's region]) on every text");
        out.println();
        out.print(DiscoveryAccuracy.kindTable(withRegion));
        out.println();
        writeMisses(misses, set, results, passed);
        out.println("per-text misses, wrong values and false findings: " + misses);
        return 0;
    }

    /** The free-text locations the job writes for the text's column. */
    private List<Recorded> locate(Text t, long row) {
        String table;
        String column;
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", String.valueOf(row));
        // a reply or a comment is in a ticket of the text's contact (not stored: the job reads a
        // ticket's contact from the helpdesk, ParentSubjects)
        ticketContacts.put("tickets/" + row, t.contact());
        switch (t.source()) {
            case "ticket" -> {
                table = "tickets";
                column = "description";
                r.put("contact_id", t.contact().substring("contact:".length()));
                r.put("agent_id", null);
                r.put("subject", null);
                r.put("description", t.text());
                r.put("status", "open");
                r.put("channel", "email");
            }
            case "reply" -> {
                table = "threads";
                column = "content";
                boolean byAgent = t.writer().startsWith("agent:");
                r.put("ticket_id", String.valueOf(row));
                r.put("direction", byAgent ? "outbound" : "inbound");
                r.put("from_address", emailOf.get(t.writer()));
                r.put(
                        "to_address",
                        byAgent ? emailOf.get(t.contact()) : "support@helpdesk.example");
                r.put("content", t.text());
            }
            case "comment" -> {
                table = "comments";
                column = "content";
                r.put("ticket_id", String.valueOf(row));
                r.put("agent_id", t.writer().substring("agent:".length()));
                r.put("is_public", "false");
                r.put("content", t.text());
            }
            default -> throw new IllegalArgumentException(t.id() + ": source " + t.source());
        }
        r.put("created_at", AT.toString());
        r.put("updated_at", AT.toString());
        r.put("deleted_at", null);
        long l = lsn++;
        List<Recorded> recorded = new ArrayList<>();
        for (LocationDocument d : locator.locate(table, table + "/" + row, r, AT, l).documents()) {
            if (d.column().equals(column) && d.spanStart() != null) {
                recorded.add(new Recorded(d.kind(), d.spanStart(), d.spanEnd(), d.value()));
            }
        }
        return recorded;
    }

    /**
     * The writer's regions the job passes for the text's row, as {@code RowLocator} derives them
     * (for the report only): the row's subjects' regions, then those of the subjects its declared
     * identifiers name.
     */
    private List<String> regionsPassed(Text t) {
        Set<String> regions = new LinkedHashSet<>();
        switch (t.source()) {
            case "ticket" -> regions.addAll(directory.phoneRegionsOf(t.contact()));
            case "reply" -> {
                regions.addAll(directory.phoneRegionsOf(t.writer()));
                regions.addAll(directory.phoneRegionsOf(t.contact()));
            }
            default -> regions.addAll(directory.phoneRegionsOf(t.contact()));
        }
        return List.copyOf(regions);
    }

    /** A scanner finding as the job records it (a card masked). */
    private static Recorded recorded(Finding f) {
        String value =
                f.kind() == PiiKind.PAYMENT_CARD
                        ? PaymentCardDetector.masked(f.normalizedValue())
                        : f.normalizedValue();
        return new Recorded(f.kind().code(), f.start(), f.end(), value);
    }

    private void writeMisses(
            Path file,
            DiscoveryEvalSet set,
            List<TextResult> results,
            Map<String, List<String>> passed)
            throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("# Discovery accuracy: texts not read perfectly (evaluation set version ")
                .append(set.version)
                .append(")\n\n");
        s.append(
                "Job path (RowLocator, configured regions "
                        + String.join(", ", PhoneDetector.DEFAULT_REGIONS)
                        + "). Values are the evaluation set's fictitious data.\n");
        int perfect = 0;
        for (TextResult r : results) {
            if (r.perfect()) {
                perfect++;
                continue;
            }
            Text t = r.text();
            s.append("\n## ")
                    .append(t.id())
                    .append(" (")
                    .append(t.locale())
                    .append(", ")
                    .append(t.source())
                    .append(" by ")
                    .append(t.writer())
                    .append("; writer's regions passed: ")
                    .append(passed.get(t.id()).isEmpty() ? "none" : passed.get(t.id()))
                    .append(")\n\n");
            for (String line : t.text().split("\n")) {
                s.append("    ").append(line).append('\n');
            }
            s.append('\n');
            for (Truth m : r.missed()) {
                s.append("- missed ")
                        .append(m.kind())
                        .append(" `")
                        .append(m.written())
                        .append("` = ")
                        .append(m.value())
                        .append(m.subject() == null ? "" : " (" + m.subject() + ")")
                        .append('\n');
            }
            for (Judged j : r.findings()) {
                if (j.outcome() == Outcome.CORRECT) {
                    continue;
                }
                Recorded f = j.recorded();
                s.append("- ")
                        .append(
                                switch (j.outcome()) {
                                    case PARTIAL -> "partial";
                                    case WRONG_VALUE -> "**wrong value**";
                                    default -> "false";
                                })
                        .append(' ')
                        .append(f.kind())
                        .append(" `")
                        .append(t.text(), f.start(), f.end())
                        .append("` recorded as ")
                        .append(f.value());
                if (j.truth() != null) {
                    s.append(", the text says ").append(j.truth().value());
                } else {
                    s.append(", over ").append(j.over());
                }
                s.append('\n');
            }
        }
        s.append("\n")
                .append(perfect)
                .append(" of ")
                .append(results.size())
                .append(" texts read perfectly (every truth found, every finding correct).\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- rows

    private ChangeEvent insert(String table, Map<String, String> row) {
        long l = lsn++;
        return new ChangeEvent(
                table,
                Map.of("id", row.get("id")),
                Operation.INSERT,
                null,
                row,
                new SourcePosition(l, l, AT, AT, false, "helpdesk.public." + table, 0, l),
                null);
    }

    private static Map<String, String> contactRow(Contact c) {
        return ContactRows.of(
                String.valueOf(c.id()),
                null,
                c.firstName(),
                c.lastName(),
                c.email(),
                c.phone(),
                c.mobile(),
                c.twitterHandle(),
                c.locale(),
                null,
                AT.toString());
    }

    private static Map<String, String> agentRow(Agent a) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", String.valueOf(a.id()));
        r.put("name", a.name());
        r.put("email", a.email());
        r.put("role", "agent");
        r.put("created_at", AT.toString());
        r.put("updated_at", AT.toString());
        r.put("deleted_at", null);
        return r;
    }
}
