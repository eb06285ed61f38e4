package dev.lethe.bench;

import dev.lethe.bench.DiscoveryEvalSet.Negative;
import dev.lethe.bench.DiscoveryEvalSet.Text;
import dev.lethe.bench.DiscoveryEvalSet.Truth;
import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.NameFolding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares what discovery recorded in each text of the evaluation set with the text's ground truth,
 * and adds it up per kind, per language and overall.
 *
 * <p>Each recorded finding is judged against the ground truth of its kind whose span it overlaps:
 *
 * <ul>
 *   <li><b>correct</b>: its value is the truth's (names compared folded, emails by {@link
 *       EmailDetector#comparisonKey}, everything else exactly);
 *   <li><b>partial</b> (names only): its value is a part of the truth's name ({@code Müller} of
 *       {@code Lea Müller}): personal data of the text, counted as correct for precision, but the
 *       name is not found;
 *   <li><b>wrong value</b>: a value of the right kind at the right place that is not what the text
 *       says (a phone read in the wrong region, a card cut short);
 *   <li><b>false</b>: no truth of its kind there; reported under the hard negative it overlaps, the
 *       other kind of personal data it overlaps, or as not annotated.
 * </ul>
 *
 * <p>Recall is the share of truths with a correct finding; precision the share of findings that are
 * correct or partial. Pure; the tests give it hand-made texts and findings.
 */
final class DiscoveryAccuracy {

    /** What discovery recorded in a text: a {@code PiiKind} code, the span, the indexed value. */
    record Recorded(String kind, int start, int end, String value) {}

    /** How a recorded finding compares with the ground truth. */
    enum Outcome {
        CORRECT,
        PARTIAL,
        WRONG_VALUE,
        FALSE
    }

    /**
     * A judged finding.
     *
     * @param truth the truth it was judged against (null for a false finding)
     * @param over for a false finding: the hard negative's kind, {@code "<kind> (personal data of
     *     another kind)"} or {@code "not annotated"}; else null
     */
    record Judged(Recorded recorded, Outcome outcome, Truth truth, String over) {}

    /** One text's result: its truths found and missed, and every finding judged. */
    record TextResult(Text text, List<Truth> found, List<Truth> missed, List<Judged> findings) {
        boolean perfect() {
            return missed.isEmpty()
                    && findings.stream().allMatch(j -> j.outcome() == Outcome.CORRECT);
        }
    }

    /** Judges {@code recorded}, what discovery found in {@code text}. */
    static TextResult judge(Text text, List<Recorded> recorded) {
        List<Truth> found = new ArrayList<>();
        List<Judged> judged = new ArrayList<>();
        for (Recorded r : recorded) {
            Truth correct = null;
            Truth partial = null;
            Truth wrong = null;
            for (Truth t : text.pii()) {
                if (!t.kind().equals(r.kind()) || !overlaps(t.start(), t.end(), r)) {
                    continue;
                }
                if (sameValue(t.kind(), t.value(), r.value())) {
                    correct = correct == null ? t : correct;
                } else if (partOf(t, r.value())) {
                    partial = partial == null ? t : partial;
                } else {
                    wrong = wrong == null ? t : wrong;
                }
            }
            if (correct != null) {
                Truth hit = correct;
                judged.add(new Judged(r, Outcome.CORRECT, hit, null));
                if (found.stream().noneMatch(f -> f == hit)) {
                    found.add(hit);
                }
            } else if (partial != null) {
                judged.add(new Judged(r, Outcome.PARTIAL, partial, null));
            } else if (wrong != null) {
                judged.add(new Judged(r, Outcome.WRONG_VALUE, wrong, null));
            } else {
                judged.add(new Judged(r, Outcome.FALSE, null, over(text, r)));
            }
        }
        List<Truth> missed = new ArrayList<>();
        for (Truth t : text.pii()) {
            if (found.stream().noneMatch(f -> f == t)) {
                missed.add(t);
            }
        }
        return new TextResult(text, found, missed, judged);
    }

    /** Whether a recorded value is the truth's value of {@code kind}. */
    static boolean sameValue(String kind, String expected, String recorded) {
        if (recorded == null) {
            return false;
        }
        switch (kind) {
            case "name":
                return NameFolding.foldName(expected).equals(NameFolding.foldName(recorded));
            case "email":
                return EmailDetector.comparisonKey(expected)
                        .equals(EmailDetector.comparisonKey(recorded));
            default:
                return expected.equals(recorded);
        }
    }

    /** Whether a recorded name is a strict part of a truth's name. */
    private static boolean partOf(Truth t, String recorded) {
        if (!t.kind().equals("name") || recorded == null) {
            return false;
        }
        String whole = NameFolding.foldName(t.value());
        String part = NameFolding.foldName(recorded);
        return !part.isEmpty() && !part.equals(whole) && whole.contains(part);
    }

    private static String over(Text text, Recorded r) {
        for (Negative n : text.negatives()) {
            if (overlaps(n.start(), n.end(), r)) {
                return n.kind();
            }
        }
        for (Truth t : text.pii()) {
            if (overlaps(t.start(), t.end(), r)) {
                return t.kind() + " (personal data of another kind)";
            }
        }
        return "not annotated";
    }

    private static boolean overlaps(int start, int end, Recorded r) {
        return start < r.end() && r.start() < end;
    }

    /** Counts of one group of texts or one kind. */
    static final class Counts {
        int texts;
        int truths;
        int found;
        int findings;
        int correct;
        int partial;
        int wrong;
        int falseFindings;

        /** Found truths / truths, or NaN without truths. */
        double recall() {
            return truths == 0 ? Double.NaN : (double) found / truths;
        }

        /** (Correct + partial) / findings, or NaN without findings. */
        double precision() {
            return findings == 0 ? Double.NaN : (double) (correct + partial) / findings;
        }

        void addFinding(Judged j) {
            findings++;
            switch (j.outcome()) {
                case CORRECT -> correct++;
                case PARTIAL -> partial++;
                case WRONG_VALUE -> wrong++;
                case FALSE -> falseFindings++;
            }
        }
    }

    /** The totals of a run. */
    static final class Tally {
        final Map<String, Counts> byKind = new LinkedHashMap<>();
        final Map<String, Counts> byLanguage = new TreeMap<>();
        final Counts overall = new Counts();

        /** Names of known subjects and of other people: {truths, found}. */
        final int[] knownNames = new int[2];

        final int[] otherNames = new int[2];

        /** False findings: what they were over -> kind of the finding -> count. */
        final Map<String, Map<String, Integer>> falseOver = new TreeMap<>();

        Tally() {
            DiscoveryEvalSet.KINDS.forEach(k -> byKind.put(k, new Counts()));
        }

        void add(TextResult r) {
            Counts language = byLanguage.computeIfAbsent(r.text().language(), l -> new Counts());
            language.texts++;
            overall.texts++;
            for (Truth t : r.text().pii()) {
                boolean found = r.found().stream().anyMatch(f -> f == t);
                for (Counts c : List.of(kind(t.kind()), language, overall)) {
                    c.truths++;
                    c.found += found ? 1 : 0;
                }
                if (t.kind().equals("name")) {
                    int[] names = t.subject() != null ? knownNames : otherNames;
                    names[0]++;
                    names[1] += found ? 1 : 0;
                }
            }
            for (Judged j : r.findings()) {
                for (Counts c : List.of(kind(j.recorded().kind()), language, overall)) {
                    c.addFinding(j);
                }
                if (j.outcome() == Outcome.FALSE) {
                    falseOver
                            .computeIfAbsent(j.over(), o -> new TreeMap<>())
                            .merge(j.recorded().kind(), 1, Integer::sum);
                }
            }
        }

        private Counts kind(String kind) {
            return byKind.computeIfAbsent(kind, k -> new Counts());
        }
    }

    /** The target the issue sets: recall and precision at least this per kind. */
    static final double TARGET = 0.98;

    /** Markdown table: per kind, then all, against the targets. */
    static String kindTable(Tally t) {
        StringBuilder s = new StringBuilder();
        s.append(
                "| kind | in texts | found | recall | findings | correct | partial | precision |"
                        + " wrong values | target (recall, precision ≥ 0.98, 0 wrong) |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|\n");
        t.byKind.forEach((kind, c) -> s.append(kindRow(kind, c, true)));
        s.append(kindRow("**all**", t.overall, false));
        return s.toString();
    }

    private static String kindRow(String kind, Counts c, boolean target) {
        boolean met = !(c.recall() < TARGET) && !(c.precision() < TARGET) && c.wrong == 0;
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %d | %d | %d | %s | %d | %s |%n",
                kind,
                c.truths,
                c.found,
                ratio(c.recall()),
                c.findings,
                c.correct,
                c.partial,
                ratio(c.precision()),
                c.wrong,
                target ? (met ? "met" : "**missed**") : "");
    }

    /** Markdown table: per language. */
    static String languageTable(Tally t) {
        StringBuilder s = new StringBuilder();
        s.append(
                "| language | texts | in texts | found | recall | findings | precision | wrong"
                        + " values | false findings |\n");
        s.append("|---|---|---|---|---|---|---|---|---|\n");
        t.byLanguage.forEach(
                (language, c) ->
                        s.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %d | %d | %d | %s | %d | %s | %d | %d |%n",
                                        language,
                                        c.texts,
                                        c.truths,
                                        c.found,
                                        ratio(c.recall()),
                                        c.findings,
                                        ratio(c.precision()),
                                        c.wrong,
                                        c.falseFindings)));
        return s.toString();
    }

    /** Markdown table: false findings by what they were over. */
    static String falseTable(Tally t) {
        StringBuilder s = new StringBuilder();
        s.append("| false finding over | findings | of kind |\n|---|---|---|\n");
        t.falseOver.entrySet().stream()
                .sorted(
                        (a, b) ->
                                Integer.compare(
                                        b.getValue().values().stream()
                                                .mapToInt(Integer::intValue)
                                                .sum(),
                                        a.getValue().values().stream()
                                                .mapToInt(Integer::intValue)
                                                .sum()))
                .forEach(
                        e -> {
                            int n =
                                    e.getValue().values().stream()
                                            .mapToInt(Integer::intValue)
                                            .sum();
                            StringBuilder kinds = new StringBuilder();
                            e.getValue()
                                    .forEach(
                                            (k, v) ->
                                                    kinds.append(kinds.length() == 0 ? "" : ", ")
                                                            .append(k)
                                                            .append(' ')
                                                            .append(v));
                            s.append("| ")
                                    .append(e.getKey())
                                    .append(" | ")
                                    .append(n)
                                    .append(" | ")
                                    .append(kinds)
                                    .append(" |\n");
                        });
        return s.toString();
    }

    /** Recall of names of known subjects and of other people. */
    static String nameSplit(Tally t) {
        return String.format(
                Locale.ROOT,
                "names of known subjects (contacts, agents): %d of %d found (%s); names of other"
                        + " people (not in the directory, so not looked for): %d of %d (%s)%n",
                t.knownNames[1],
                t.knownNames[0],
                ratio(
                        t.knownNames[0] == 0
                                ? Double.NaN
                                : (double) t.knownNames[1] / t.knownNames[0]),
                t.otherNames[1],
                t.otherNames[0],
                ratio(
                        t.otherNames[0] == 0
                                ? Double.NaN
                                : (double) t.otherNames[1] / t.otherNames[0]));
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.3f", r);
    }
}
