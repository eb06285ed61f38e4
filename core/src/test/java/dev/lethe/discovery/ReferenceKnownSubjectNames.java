package dev.lethe.discovery;

import dev.lethe.discovery.KnownSubjectNames.NameMatch;
import dev.lethe.discovery.KnownSubjectNames.Part;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link KnownSubjectNames} as it was before its trie: every end position up to the longest name
 * tried at every word start, each a hash look-up of a substring. Quadratic, and only here as the
 * reference the trie must agree with ({@code KnownSubjectNamesEquivalenceTest}).
 */
final class ReferenceKnownSubjectNames {

    static final String NAME = KnownSubjectNames.NAME;

    private static final String HONORIFICS = "様さ氏殿君ち先";

    /** folded key -> subject id -> part. */
    private final Map<String, Map<String, Part>> entries = new HashMap<>();

    /** folded key -> the name as first registered (the finding's normalized value). */
    private final Map<String, String> display = new HashMap<>();

    /** subject id -> its folded keys. */
    private final Map<String, List<String>> keysBySubject = new HashMap<>();

    private int maxLatinLength;

    private final InflectedNames.Lookup lookup =
            new InflectedNames.Lookup() {
                @Override
                public Map<String, Part> subjects(String key) {
                    return entries.get(key);
                }

                @Override
                public String display(String key) {
                    return display.get(key);
                }
            };
    private int maxCjkLength;

    /**
     * Registers (or re-registers: earlier names of the subject are forgotten) the names of {@code
     * subjectId}. Null or blank parts are skipped.
     */
    public void register(String subjectId, String firstName, String lastName) {
        forget(subjectId);
        String first = clean(firstName);
        String last = clean(lastName);
        List<String> keys = new ArrayList<>();
        if (first != null && last != null) {
            if (isCjk(first.charAt(0)) && isCjk(last.charAt(0))) {
                add(subjectId, last + first, Part.FULL, keys);
                add(subjectId, last + " " + first, Part.FULL, keys);
            } else if (KnownSubjectNames.isHangul(first.charAt(0))
                    && KnownSubjectNames.isHangul(last.charAt(0))) {
                add(subjectId, last + first, Part.FULL, keys);
                add(subjectId, last + " " + first, Part.FULL, keys);
                add(subjectId, first + " " + last, Part.FULL, keys);
            } else {
                add(subjectId, first + " " + last, Part.FULL, keys);
            }
        }
        if (first != null) {
            Part part =
                    last == null && KnownSubjectNames.wholeHangulName(first)
                            ? Part.FULL
                            : Part.FIRST;
            add(subjectId, first, part, keys);
        }
        if (last != null) {
            add(subjectId, last, Part.LAST, keys);
        }
        if (!keys.isEmpty()) {
            keysBySubject.put(subjectId, keys);
        }
    }

    /** Forgets every name of {@code subjectId}. */
    public void forget(String subjectId) {
        List<String> keys = keysBySubject.remove(subjectId);
        if (keys == null) {
            return;
        }
        for (String key : keys) {
            Map<String, Part> subjects = entries.get(key);
            if (subjects != null) {
                subjects.remove(subjectId);
                if (subjects.isEmpty()) {
                    entries.remove(key);
                    display.remove(key);
                }
            }
        }
    }

    /** How many subjects have a name registered. */
    public int subjects() {
        return keysBySubject.size();
    }

    /** The subjects one of whose names folds like {@code name}, with which part it is. */
    public Map<String, Part> subjectsNamed(String name) {
        Map<String, Part> s = entries.get(KnownSubjectNames.fold(name.strip()));
        return s == null ? Map.of() : Collections.unmodifiableMap(s);
    }

    public List<Finding> detect(String text) {
        return match(text).stream().map(NameMatch::finding).toList();
    }

    /** Every name of a known subject in {@code text}, leftmost-longest, with its subjects. */
    public List<NameMatch> match(String text) {
        List<NameMatch> found = new ArrayList<>();
        if (text == null || text.isEmpty() || entries.isEmpty()) {
            return found;
        }
        String folded = KnownSubjectNames.fold(text);
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (!Character.isLetter(c)) {
                i++;
                continue;
            }
            boolean hangul = KnownSubjectNames.isHangul(c);
            boolean cjk = isCjk(c) || hangul;
            boolean wordStart = i == 0 || !Character.isLetter(text.charAt(i - 1));
            if ((!cjk || hangul) && !wordStart) {
                i++;
                continue;
            }
            NameMatch m = longestAt(text, folded, i, cjk, wordStart);
            if (!cjk && (m == null || !m.subjects().containsValue(Part.FULL))) {
                NameMatch inflected = InflectedNames.at(text, folded, i, lookup);
                if (inflected != null
                        && inflected.finding().end() > (m == null ? i : m.finding().end())) {
                    m = inflected;
                }
            }
            if (m == null
                    && !cjk
                    && i + 1 < n
                    && KnownSubjectNames.HEBREW_PREFIXES.indexOf(c) >= 0
                    && Character.isLetter(text.charAt(i + 1))) {
                // a Hebrew preposition or article glued to a whole name (לנועה כהן)
                NameMatch after = longestAt(text, folded, i + 1, false, true);
                if (after != null && after.subjects().containsValue(Part.FULL)) {
                    m = after;
                }
            }
            if (m != null) {
                found.add(m);
                i = m.finding().end();
            } else {
                i++;
            }
        }
        return found;
    }

    private NameMatch longestAt(String text, String folded, int i, boolean cjk, boolean wordStart) {
        int n = text.length();
        int maxEnd =
                Math.min(n, i + (cjk ? Math.max(maxCjkLength, maxLatinLength) : maxLatinLength));
        for (int j = maxEnd; j > i; j--) {
            boolean wordEnd = j == n || !Character.isLetter(text.charAt(j));
            if (!cjk && !(wordEnd && Character.isLetter(text.charAt(j - 1)))) {
                continue;
            }
            Map<String, Part> subjects = entries.get(folded.substring(i, j));
            if (subjects == null) {
                continue;
            }
            Map<String, Part> allowed = new LinkedHashMap<>();
            for (Map.Entry<String, Part> e : subjects.entrySet()) {
                if (allowed(e.getValue(), text, i, j, cjk, wordStart, wordEnd)) {
                    allowed.put(e.getKey(), e.getValue());
                }
            }
            if (allowed.isEmpty()) {
                continue;
            }
            return new NameMatch(finding(folded.substring(i, j), i, j, allowed), allowed);
        }
        return null;
    }

    private static boolean allowed(
            Part part, String text, int i, int j, boolean cjk, boolean wordStart, boolean wordEnd) {
        if (cjk && KnownSubjectNames.isHangul(text.charAt(i))) {
            return KnownSubjectNames.hangulAllowed(part, text, j, wordStart, wordEnd);
        }
        if (part == Part.FULL) {
            return cjk || (wordStart && wordEnd);
        }
        if (cjk) {
            return wordStart && (wordEnd || HONORIFICS.indexOf(text.charAt(j)) >= 0);
        }
        return KnownSubjectNames.aloneAllowed(text, i, j, wordStart, wordEnd);
    }

    private Finding finding(String key, int start, int end, Map<String, Part> subjects) {
        boolean full = subjects.containsValue(Part.FULL);
        int count = subjects.size();
        double confidence = full ? (count == 1 ? 0.9 : 0.8) : (count == 1 ? 0.6 : 0.4);
        String part =
                full
                        ? "full name"
                        : (subjects.containsValue(Part.LAST) ? "family name" : "first name");
        return new Finding(
                NAME,
                PiiKind.NAME,
                start,
                end,
                display.get(key),
                confidence,
                part + " of " + count + " known subject" + (count == 1 ? "" : "s"));
    }

    private void add(String subjectId, String name, Part part, List<String> keys) {
        add(subjectId, name, name, part, keys);
    }

    private void add(String subjectId, String name, String shown, Part part, List<String> keys) {
        String key = KnownSubjectNames.fold(name);
        if (key.length() < 2 && !isCjk(key.charAt(0))) {
            return; // an initial is not a name
        }
        if (!KnownSubjectNames.fits(key)) {
            return; // the documented bound of the trie version
        }
        entries.computeIfAbsent(key, k -> new LinkedHashMap<>())
                .merge(subjectId, part, ReferenceKnownSubjectNames::stronger);
        display.putIfAbsent(key, shown);
        keys.add(key);
        if (KnownSubjectNames.perCharacter(key.charAt(0))) {
            maxCjkLength = Math.max(maxCjkLength, key.length());
        } else {
            maxLatinLength = Math.max(maxLatinLength, key.length());
        }
    }

    private static Part stronger(Part a, Part b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    private static String clean(String name) {
        if (name == null) {
            return null;
        }
        String s = name.strip().replaceAll("\\s+", " ");
        return s.isEmpty() ? null : s;
    }

    /** Han, Hiragana or Katakana: scripts written without spaces between words. */
    static boolean isCjk(char c) {
        Character.UnicodeScript script = Character.UnicodeScript.of(c);
        return script == Character.UnicodeScript.HAN
                || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }

    /** The subjects registered (for tests and state sizes). */
    Set<String> registeredSubjects() {
        return Collections.unmodifiableSet(keysBySubject.keySet());
    }
}
