package dev.lethe.discovery;

import dev.lethe.discovery.KnownSubjectNames.NameMatch;
import dev.lethe.discovery.KnownSubjectNames.Part;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Known subjects' names in an inflected form, in the languages that inflect names (Polish, Czech,
 * Slovak, Greek, Russian): {@code Pani Zofio} (Zofia), {@code pane Dvořáku} (Dvořák), {@code κύριε
 * Παπαδόπουλε} (Παπαδόπουλος), {@code Дмитрию Кузнецову} (Дмитрий Кузнецов).
 *
 * <p>A capitalized word is read back to a registered name by replacing one of its {@link #ENDINGS}
 * with the ending of the name's nominative. That is taken only where the text says it is a name: a
 * whole name of two words, both read back to the given and family name of the same subject; or one
 * word right after a title of address ({@code Pani}, {@code pane}, {@code κύριε}, {@code κ.},
 * {@code господин}: {@link #TITLES}). And only when every reading gives the same registered name: a
 * word that could be the form of two different names is none of them. Works on {@link
 * KnownSubjectNames#fold folded} text (lower case, no diacritics). Pure; never logs.
 */
final class InflectedNames {

    /** The dictionary as this class reads it. */
    interface Lookup {
        /** The subjects whose name folds to {@code key}, with which part; null if none. */
        Map<String, Part> subjects(String key);

        /** The name registered under {@code key}. */
        String display(String key);
    }

    /** Inflected ending -> the nominative's ending, folded. */
    static final List<String[]> ENDINGS =
            List.of(
                    // Polish, Czech, Slovak
                    new String[] {"o", "a"},
                    new String[] {"ie", ""},
                    new String[] {"u", ""},
                    new String[] {"e", ""},
                    new String[] {"a", ""},
                    new String[] {"em", ""},
                    new String[] {"owi", ""},
                    new String[] {"ovi", ""},
                    new String[] {"y", "a"},
                    new String[] {"i", "a"},
                    new String[] {"ii", "ia"},
                    new String[] {"e", "a"},
                    new String[] {"ou", "a"},
                    new String[] {"ego", "i"},
                    new String[] {"emu", "i"},
                    new String[] {"im", "i"},
                    new String[] {"iej", "a"},
                    new String[] {"ej", "a"},
                    // Greek (final sigma folded to σ)
                    new String[] {"ε", "οσ"},
                    new String[] {"ο", "οσ"},
                    new String[] {"ου", "οσ"},
                    new String[] {"ησ", "η"},
                    new String[] {"η", "ησ"},
                    new String[] {"α", "ασ"},
                    new String[] {"ασ", "α"},
                    // Russian (й folds to и)
                    new String[] {"у", ""},
                    new String[] {"ю", "и"},
                    new String[] {"я", "и"},
                    new String[] {"а", ""},
                    new String[] {"ем", ""},
                    new String[] {"ом", ""},
                    new String[] {"ым", ""},
                    new String[] {"е", ""},
                    new String[] {"ои", "а"},
                    new String[] {"у", "а"},
                    new String[] {"ю", "я"},
                    new String[] {"е", "а"},
                    new String[] {"ы", "а"},
                    new String[] {"и", "а"});

    /** Titles of address a name in the vocative, dative, … follows, folded. */
    static final Set<String> TITLES =
            Set.of(
                    "pan",
                    "pani",
                    "panie",
                    "pania",
                    "panem",
                    "panu",
                    "pana",
                    "pane",
                    "paniu",
                    "κυριε",
                    "κυριο",
                    "κυριου",
                    "κυρια",
                    "κυριασ",
                    "κ",
                    "κα",
                    "αγαπητε",
                    "αγαπητη",
                    "господин",
                    "господину",
                    "господина",
                    "госпожа",
                    "госпоже",
                    "госпожи",
                    "г");

    /** The fewest letters a word keeps once its ending is taken off. */
    static final int MIN_STEM = 3;

    private InflectedNames() {}

    /**
     * The name in an inflected form starting at {@code i} (a word start, a capital letter), or
     * null.
     */
    static NameMatch at(String text, String folded, int i, Lookup lookup) {
        char c = text.charAt(i);
        if (!(Character.isUpperCase(c) || Character.isTitleCase(c))) {
            return null;
        }
        int n = text.length();
        int e1 = wordEnd(text, i);
        String w1 = folded.substring(i, e1);
        if (e1 + 1 < n
                && text.charAt(e1) == ' '
                && (Character.isUpperCase(text.charAt(e1 + 1))
                        || Character.isTitleCase(text.charAt(e1 + 1)))) {
            int e2 = wordEnd(text, e1 + 1);
            String w2 = folded.substring(e1 + 1, e2);
            NameMatch full = full(w1, w2, i, e2, lookup);
            if (full != null) {
                return full;
            }
        }
        if (!afterTitle(folded, i)) {
            return null;
        }
        Map<String, Part> subjects = new LinkedHashMap<>();
        String display = null;
        for (String base : bases(w1)) {
            Map<String, Part> s = lookup.subjects(base);
            if (s == null || s.isEmpty()) {
                continue;
            }
            String d = lookup.display(base);
            if (display != null && !display.equals(d)) {
                return null; // the form of two names
            }
            display = d;
            subjects.putAll(s);
        }
        return display == null ? null : match(display, i, e1, subjects);
    }

    private static NameMatch full(String w1, String w2, int start, int end, Lookup lookup) {
        List<String> firsts = forms(w1);
        List<String> seconds = forms(w2);
        Map<String, Part> subjects = new LinkedHashMap<>();
        String display = null;
        for (int a = 0; a < firsts.size(); a++) {
            for (int b = 0; b < seconds.size(); b++) {
                if (a == 0 && b == 0) {
                    continue; // as written: the dictionary's own match
                }
                String key = firsts.get(a) + " " + seconds.get(b);
                Map<String, Part> s = lookup.subjects(key);
                if (s == null) {
                    continue;
                }
                for (Map.Entry<String, Part> e : s.entrySet()) {
                    if (e.getValue() != Part.FULL) {
                        continue;
                    }
                    String d = lookup.display(key);
                    if (display != null && !display.equals(d)) {
                        return null;
                    }
                    display = d;
                    subjects.put(e.getKey(), Part.FULL);
                }
            }
        }
        return display == null ? null : match(display, start, end, subjects);
    }

    private static NameMatch match(String display, int start, int end, Map<String, Part> subjects) {
        boolean full = subjects.containsValue(Part.FULL);
        int count = subjects.size();
        double confidence = full ? (count == 1 ? 0.8 : 0.7) : (count == 1 ? 0.5 : 0.35);
        String part =
                full
                        ? "full name"
                        : (subjects.containsValue(Part.LAST) ? "family name" : "first name");
        Finding f =
                new Finding(
                        KnownSubjectNames.NAME,
                        PiiKind.NAME,
                        start,
                        end,
                        display,
                        confidence,
                        part
                                + " of "
                                + count
                                + " known subject"
                                + (count == 1 ? "" : "s")
                                + ", in an inflected form");
        return new NameMatch(f, subjects);
    }

    /** {@code word} as written, then every nominative it can be a form of. */
    private static List<String> forms(String word) {
        List<String> forms = new ArrayList<>();
        forms.add(word);
        forms.addAll(bases(word));
        return forms;
    }

    /** The nominatives {@code word} (folded) can be a form of, by {@link #ENDINGS}. */
    static List<String> bases(String word) {
        List<String> out = new ArrayList<>();
        for (String[] e : ENDINGS) {
            if (word.endsWith(e[0]) && word.length() - e[0].length() >= MIN_STEM) {
                String base = word.substring(0, word.length() - e[0].length()) + e[1];
                if (!out.contains(base) && !base.equals(word)) {
                    out.add(base);
                }
            }
        }
        return out;
    }

    /** Whether a title of address stands right before {@code i} ({@code Pani }, {@code κ. }). */
    private static boolean afterTitle(String folded, int i) {
        int k = i;
        while (k > 0 && folded.charAt(k - 1) == ' ') {
            k--;
        }
        if (k == i) {
            return false;
        }
        if (k > 0 && folded.charAt(k - 1) == '.') {
            k--;
        }
        int end = k;
        while (k > 0 && Character.isLetter(folded.charAt(k - 1))) {
            k--;
        }
        return end > k && TITLES.contains(folded.substring(k, end));
    }

    private static int wordEnd(String text, int i) {
        int e = i;
        while (e < text.length() && Character.isLetter(text.charAt(e))) {
            e++;
        }
        return e;
    }
}
