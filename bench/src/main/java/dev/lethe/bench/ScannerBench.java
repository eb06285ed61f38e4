package dev.lethe.bench;

import dev.lethe.discovery.FreeTextScanner;
import dev.lethe.discovery.KnownSubjectNames;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.simulator.HelpdeskData.Comment;
import dev.lethe.simulator.HelpdeskData.Contact;
import dev.lethe.simulator.HelpdeskData.ContactBundle;
import dev.lethe.simulator.HelpdeskData.Thread;
import dev.lethe.simulator.HelpdeskData.Ticket;
import dev.lethe.simulator.HelpdeskGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The free-text scanner (the standard detectors and a dictionary of a few thousand known names, as
 * the discovery and audit jobs run it) on ordinary helpdesk tickets and on hostile inputs, in CPU
 * time per KB of text. Each hostile input is reported as a ratio to the ordinary tickets' cost per
 * KB in the same run: detection must stay linear, so no ticket can stall a job.
 */
@Command(
        name = "scanner",
        mixinStandardHelpOptions = true,
        description =
                "Free-text scanner CPU µs per KB: ordinary tickets vs hostile inputs (each within"
                        + " 5× of ordinary).")
final class ScannerBench implements Callable<Integer> {

    /** The target: no input costs more than this many times an ordinary ticket per KB. */
    static final double TARGET_RATIO = 5.0;

    @Option(
            names = "--contacts",
            defaultValue = "3000",
            description =
                    "Contacts generated, whose names are registered (default ${DEFAULT-VALUE}).")
    int contacts;

    @Option(
            names = "--tickets",
            defaultValue = "300",
            description = "Ordinary tickets scanned per round (default ${DEFAULT-VALUE}).")
    int tickets;

    @Option(
            names = "--hostile-kb",
            defaultValue = "1024",
            description =
                    "Size of the repeated-pattern hostile inputs in KB (default ${DEFAULT-VALUE}).")
    int hostileKb;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description =
                    "Unmeasured rounds per input before measuring, on at most its first 64 KB"
                            + " (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description =
                    "Measured rounds per input; the median is reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", defaultValue = "13", description = "Generator seed.")
    long seed;

    private static final int WARMUP_CHARS = 64 * 1024;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private record Input(String name, FreeTextScanner scanner, List<String> texts) {
        long bytes() {
            long b = 0;
            for (String t : texts) {
                b += t.getBytes(StandardCharsets.UTF_8).length;
            }
            return b;
        }
    }

    private record Result(Input input, double microsPerKb, double min, double max, int findings) {}

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        KnownSubjectNames names = new KnownSubjectNames();
        List<String> ordinary = new ArrayList<>();
        List<String> nameWords = new ArrayList<>();
        List<Contact> registered = new ArrayList<>();
        HelpdeskGenerator generator =
                new HelpdeskGenerator(seed, contacts, Instant.parse("2026-11-01T00:00:00Z"));
        while (generator.hasNext()) {
            ContactBundle b = generator.next();
            Contact c = b.contact();
            names.register("contact:" + c.ref(), c.firstName(), c.lastName());
            registered.add(c);
            if (c.firstName() != null) {
                nameWords.add(c.firstName());
            }
            if (c.lastName() != null) {
                nameWords.add(c.lastName());
            }
            for (Ticket t : b.tickets()) {
                if (ordinary.size() < tickets) {
                    ordinary.add(ticketText(t, b));
                }
            }
        }
        FreeTextScanner scanner = new FreeTextScanner(PhoneDetector.DEFAULT_REGIONS, names);

        int size = hostileKb * 1024;
        Map<String, Input> inputs = new LinkedHashMap<>();
        inputs.put(
                "ordinary",
                new Input(
                        "ordinary tickets (" + ordinary.size() + ", generated)",
                        scanner,
                        ordinary));
        inputs.put(
                "at",
                new Input(hostileKb + " KB of `@ab `", scanner, List.of(repeat("@ab ", size))));
        inputs.put(
                "digits",
                new Input(
                        hostileKb + " KB of `1 2-3 (4) 5.6 `",
                        scanner,
                        List.of(repeat("1 2-3 (4) 5.6 ", size))));
        // every candidate a time stamp, whose check copies the text after it
        inputs.put(
                "stamps",
                new Input(
                        hostileKb + " KB of `2026-11-03 14a `",
                        scanner,
                        List.of(repeat("2026-11-03 14a ", size))));

        // a 200 KB name registered (as a subject's family name), then a text made of it
        KnownSubjectNames withHuge = new KnownSubjectNames();
        for (Contact c : registered) {
            withHuge.register("contact:" + c.ref(), c.firstName(), c.lastName());
        }
        String huge = repeat("Anna Berg ", 200 * 1024).strip();
        withHuge.register("contact:hostile", "Anna", huge);
        List<String> afterHuge = new ArrayList<>(ordinary);
        afterHuge.add(huge);
        inputs.put(
                "huge",
                new Input(
                        "ordinary tickets + the 200 KB name itself, after registering it",
                        new FreeTextScanner(PhoneDetector.DEFAULT_REGIONS, withHuge),
                        afterHuge));

        // 100,000 words, every one a registered first or family name
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder words = new StringBuilder();
        for (int k = 0; k < 100_000; k++) {
            words.append(nameWords.get(random.nextInt(nameWords.size()))).append(' ');
        }
        inputs.put(
                "words",
                new Input(
                        "100,000 words, each a registered name",
                        scanner,
                        List.of(words.toString())));
        System.out.printf(
                "generated %d contacts' names and %d tickets in %.1f s%n",
                contacts, ordinary.size(), (System.nanoTime() - t0) / 1e9);

        List<Result> results = new ArrayList<>();
        Map<Input, Result> slices = new LinkedHashMap<>();
        for (Input input : inputs.values()) {
            Result r = measure(input);
            results.add(r);
            System.out.printf(
                    "%s: %.1f µs/KB (median of %d, %.1f–%.1f), %d findings%n",
                    input.name(), r.microsPerKb(), rounds, r.min(), r.max(), r.findings());
            if (input.texts().size() == 1) {
                // linear means the same cost per KB on a sixteenth of the input
                String text = input.texts().get(0);
                Result slice =
                        measure(
                                new Input(
                                        input.name(),
                                        input.scanner(),
                                        List.of(text.substring(0, text.length() / 16))));
                slices.put(input, slice);
                System.out.printf("  its first sixteenth: %.1f µs/KB%n", slice.microsPerKb());
            }
        }

        double base = results.get(0).microsPerKb();
        System.out.println();
        System.out.println(BenchStacks.besideLine(BenchStacks.NO_STACK));
        System.out.println(
                "| input | size | CPU µs per KB (median) | on its first 1/16 | vs ordinary |"
                        + " target ≤ 5× |");
        System.out.println("|---|---|---|---|---|---|");
        boolean allMet = true;
        for (Result r : results) {
            double ratio = r.microsPerKb() / base;
            boolean ordinaryRow = r == results.get(0);
            boolean met = ratio <= TARGET_RATIO;
            allMet &= met;
            Result slice = slices.get(r.input());
            System.out.printf(
                    "| %s | %s | %.1f | %s | %s | %s |%n",
                    r.input().name(),
                    kb(r.input().bytes()),
                    r.microsPerKb(),
                    slice == null ? "–" : String.format("%.1f", slice.microsPerKb()),
                    ordinaryRow ? "1×" : String.format("%.2f×", ratio),
                    ordinaryRow ? "baseline" : (met ? "met" : "**missed**"));
        }
        System.out.printf(
                "%nall within %.0f× of an ordinary ticket: %s%n",
                TARGET_RATIO, allMet ? "met" : "missed");
        return 0;
    }

    private Result measure(Input input) {
        double kb = input.bytes() / 1024.0;
        int findings = 0;
        for (int k = 0; k < warmup; k++) {
            for (String text : input.texts()) {
                input.scanner().scan(text.substring(0, Math.min(text.length(), WARMUP_CHARS)));
            }
        }
        double[] perKb = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            findings = scanAll(input);
            perKb[k] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / kb;
        }
        double[] sorted = perKb.clone();
        java.util.Arrays.sort(sorted);
        return new Result(
                input, sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], findings);
    }

    private static int scanAll(Input input) {
        int findings = 0;
        for (String text : input.texts()) {
            findings += input.scanner().scan(text).size();
        }
        return findings;
    }

    /** A ticket as the jobs see its free text: subject, description, messages, comments. */
    private static String ticketText(Ticket t, ContactBundle b) {
        StringBuilder s = new StringBuilder();
        s.append(t.subject()).append("\n\n").append(t.description());
        for (Thread th : b.threads()) {
            if (th.ticketRef() == t.ref()) {
                s.append("\n\n").append(th.content());
            }
        }
        for (Comment c : b.comments()) {
            if (c.ticketRef() == t.ref()) {
                s.append("\n\n").append(c.content());
            }
        }
        return s.toString();
    }

    private static String repeat(String unit, int length) {
        StringBuilder s = new StringBuilder(length + unit.length());
        while (s.length() < length) {
            s.append(unit);
        }
        s.setLength(length);
        return s.toString();
    }

    private static String kb(long bytes) {
        return bytes >= 1024 * 1024
                ? String.format("%.1f MB", bytes / 1048576.0)
                : String.format("%.0f KB", bytes / 1024.0);
    }
}
