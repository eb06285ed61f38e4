package dev.lethe.bench;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.audit.SubjectIdentifiers;
import dev.lethe.simulator.HelpdeskData.Contact;
import dev.lethe.simulator.HelpdeskGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The heap the directories of subjects hold per contact: discovery's {@link SubjectDirectory}
 * (names and identifiers, to recognise people in free text) and the audit job's {@link
 * SubjectIdentifiers} (who held which identifier when), each with its persisted entries as the jobs
 * keep them in broadcast state, which Flink holds in the heap whatever the state backend. The
 * baseline, built in the same process from the same contacts: their rows kept as plain maps, one
 * per contact (what a naive cache of the rows would hold). Retained heap is measured after full
 * collections, so garbage is not counted.
 */
@Command(
        name = "directories",
        mixinStandardHelpOptions = true,
        description =
                "Heap per contact of the subject directories (discovery and audit) against plain"
                        + " maps of the same rows.")
final class DirectoriesBench implements Callable<Integer> {

    /** The target: both directories together within this many bytes per contact. */
    static final long TARGET_BYTES_PER_CONTACT = 2_500;

    @Option(
            names = "--contacts",
            defaultValue = "100000",
            description = "Contacts generated (default ${DEFAULT-VALUE}).")
    int contacts;

    @Option(names = "--seed", defaultValue = "13", description = "Generator seed.")
    long seed;

    private static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

    @Override
    public Integer call() {
        if (contacts < 1000) {
            throw new IllegalArgumentException(
                    "--contacts must be at least 1000 (was " + contacts + ")");
        }
        PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
        List<String> regions = PhoneDetector.DEFAULT_REGIONS;

        // each structure is built from its own copy of the contacts, in a frame of its own that
        // is gone before it is measured: what it holds of its input counts, the input does not
        List<ChangeEvent> generated = generate();
        Held<Map<String, Map<String, String>>> rows =
                Held.measure(
                        () -> {
                            Map<String, Map<String, String>> kept = new HashMap<>();
                            for (ChangeEvent c : copy(generated)) {
                                kept.put(c.getAfter().get("id"), new HashMap<>(c.getAfter()));
                            }
                            return kept;
                        });
        long baseline = rows.bytes();
        int kept = rows.value().size();
        Held<SubjectDirectory> discovery =
                Held.measure(
                        () -> {
                            SubjectDirectory directory = new SubjectDirectory(catalog, regions);
                            Map<String, String> state = new HashMap<>();
                            for (ChangeEvent c : copy(generated)) {
                                directory.apply(c).ifPresent(e -> state.put(e.key(), e.value()));
                            }
                            return new Object[] {directory, state};
                        },
                        SubjectDirectory.class);
        Held<SubjectIdentifiers> audit =
                Held.measure(
                        () -> {
                            SubjectIdentifiers identifiers =
                                    new SubjectIdentifiers(catalog, regions);
                            Map<String, String> state = new HashMap<>();
                            for (ChangeEvent c : copy(generated)) {
                                identifiers
                                        .apply(c)
                                        .ifPresent(e -> state.put(e.subjectId(), e.value()));
                            }
                            return new Object[] {identifiers, state};
                        },
                        SubjectIdentifiers.class);
        long discoveryBytes = discovery.bytes();
        long auditBytes = audit.bytes();

        double n = contacts;
        double perBaseline = baseline / n;
        long both = Math.round((discoveryBytes + auditBytes) / n);
        System.out.printf(
                "%,d contacts (seed %d); %,d rows kept by the baseline, %,d subjects by discovery,"
                        + " %,d by the audit job%n",
                contacts,
                seed,
                kept,
                discovery.value().resolver().subjects(),
                audit.value().subjects());
        System.out.println("| held in the heap | bytes per contact | ratio to the baseline |");
        System.out.println("|---|---|---|");
        row("baseline: the rows as plain maps", perBaseline, perBaseline);
        row("discovery's `SubjectDirectory` and its entries", discoveryBytes / n, perBaseline);
        row("the audit job's `SubjectIdentifiers` and its entries", auditBytes / n, perBaseline);
        row("**both directories**", both, perBaseline);
        boolean met = both <= TARGET_BYTES_PER_CONTACT;
        System.out.printf(
                "both directories: %,d bytes per contact (target ≤ %,d): %s%n",
                both, TARGET_BYTES_PER_CONTACT, met ? "met" : "NOT met");
        // what was measured stays reachable until here
        return rows.value().size() + generated.size() > 0 && met ? 0 : 1;
    }

    /** What a structure built in its own frame holds, with the structure (kept reachable). */
    private record Held<T>(T value, Object[] all, long bytes) {

        static <T> Held<T> measure(Supplier<T> build) {
            long base = retainedHeap();
            T value = build.get();
            return new Held<>(value, new Object[] {value}, retainedHeap() - base);
        }

        /** {@code build} returns the structure first, then what else it keeps (its entries). */
        static <T> Held<T> measure(Supplier<Object[]> build, Class<T> type) {
            long base = retainedHeap();
            Object[] all = build.get();
            return new Held<>(type.cast(all[0]), all, retainedHeap() - base);
        }
    }

    private static void row(String what, double perContact, double baselinePerContact) {
        System.out.printf(
                "| %s | %,.0f | %.2f× |%n", what, perContact, perContact / baselinePerContact);
    }

    /** The generated contacts' inserts, in order (the same for the same seed). */
    private List<ChangeEvent> generate() {
        List<ChangeEvent> inserts = new ArrayList<>(contacts);
        HelpdeskGenerator generator = new HelpdeskGenerator(seed, contacts, AT);
        while (generator.hasNext()) {
            inserts.add(insert(generator.next().contact(), inserts.size() + 1L));
        }
        return inserts;
    }

    /**
     * The inserts with rows of their own: every value a distinct string, so a structure built from
     * them holds its own copy of what it keeps, and the generated inserts are shared by none.
     */
    private static List<ChangeEvent> copy(List<ChangeEvent> inserts) {
        List<ChangeEvent> copies = new ArrayList<>(inserts.size());
        for (ChangeEvent c : inserts) {
            Map<String, String> row = new LinkedHashMap<>();
            c.getAfter().forEach((k, v) -> row.put(k, v == null ? null : new String(v)));
            copies.add(
                    new ChangeEvent(
                            c.getTable(),
                            Map.of("id", row.get("id")),
                            c.getOp(),
                            null,
                            row,
                            c.getSource(),
                            null));
        }
        return copies;
    }

    private static ChangeEvent insert(Contact c, long lsn) {
        Map<String, String> r =
                ContactRows.of(
                        Long.toString(c.ref()),
                        c.accountRef() == null ? null : c.accountRef().toString(),
                        c.firstName(),
                        c.lastName(),
                        c.email(),
                        c.phone(),
                        c.mobile(),
                        c.twitterHandle(),
                        c.locale(),
                        c.region(),
                        c.createdAt().toString());
        return new ChangeEvent(
                "contacts",
                Map.of("id", r.get("id")),
                Operation.INSERT,
                null,
                r,
                new SourcePosition(lsn, lsn, AT, AT, false, "helpdesk.public.contacts", 0, lsn),
                null);
    }

    /** The used heap once full collections no longer free anything. */
    static long retainedHeap() {
        Runtime runtime = Runtime.getRuntime();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring", e);
            }
            long used = runtime.totalMemory() - runtime.freeMemory();
            if (used >= last - 64 * 1024) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}
