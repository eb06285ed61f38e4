package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the names of known data subjects in free text: a dictionary of every registered subject's
 * full name, first name and family name, fed as contacts stream by ({@link #register}) and emptied
 * as they go ({@link #forget}), scanned leftmost-longest.
 *
 * <p>Matching is on {@link NameFolding folded} text, so case and diacritics do not matter ({@code
 * "anna MULLER"} finds {@code Anna Müller}; the Greek final sigma folds as any sigma, so {@code
 * ΠΑΠΑΔΟΠΟΥΛΟΣ} finds {@code Παπαδόπουλος}). In alphabetic scripts a match starts and ends at word
 * boundaries, and a first or family name on its own must start with a capital letter. Japanese and
 * Chinese names are written without spaces ({@code 佐藤一郎}, family name first): a full name is found
 * anywhere in the text, a family or first name on its own only where it stands apart from other Han
 * or kana characters or is followed by an honorific ({@code 佐藤様}, {@code 佐藤さん}). Korean names
 * ({@code 김민준}, family name first, mostly without a space; a one-part name of three or four Hangul
 * syllables is a whole name) are found at a word's start, ending the word or followed by a particle
 * or honorific ({@code 김민준님}, {@code 이서연이}); a first name on its own only before an honorific
 * ({@code 민준 씨}), Hangul having no capitals. In scripts without capitals (Arabic, Hebrew) a first
 * or family name on its own is found after a word of address ({@code مرحباً محمد}, {@code שלום
 * נועה}), and there and in lower case as the text's signature (its last word, after a sentence's
 * end or a line break; without capitals also after a comma); a Hebrew one-letter prefix glued to a
 * whole name is not part of it ({@code לנועה כהן}). Inflected forms ({@code Pani Zofio}, {@code
 * Дмитрию Кузнецову}): {@link InflectedNames}.
 *
 * <p>A name is a dictionary entry only if its folded form has at most {@value #MAX_NAME_LENGTH}
 * characters and, in an alphabetic script, at most {@value #MAX_NAME_WORDS} words (runs of
 * letters), or, written in Han or kana, at most {@value #MAX_CJK_NAME_LENGTH} characters; a longer
 * part of a name is not registered (the subject's other parts still are). That bounds the work per
 * word of scanned text: {@link #match} walks a trie of the registered names word by word (character
 * by character in Han and kana) from each word start and stops at the first word no registered name
 * continues with, so scanning is linear in the text's length whatever has been registered.
 *
 * <p>Not thread-safe: one instance per operator. Memory is a few trie nodes per subject; no
 * personal data is logged.
 */
public final class KnownSubjectNames implements PiiDetector {

    public static final String NAME = "known_subject_name";

    /** The most characters a registered name (folded) may have. */
    public static final int MAX_NAME_LENGTH = 100;

    /** The most words (runs of letters) a registered name in an alphabetic script may have. */
    public static final int MAX_NAME_WORDS = 10;

    /** The most characters a registered name written in Han or kana may have. */
    public static final int MAX_CJK_NAME_LENGTH = 20;

    /** Which part of a subject's name a dictionary entry is. */
    public enum Part {
        FULL,
        FIRST,
        LAST
    }

    /** A match with the subjects whose name it is (subject id -> which part of their name). */
    public record NameMatch(Finding finding, Map<String, Part> subjects) {}

    private static final String HONORIFICS = "様さ氏殿君ち先";

    /** Words of address and greeting before a name in scripts without capitals (marks removed). */
    static final Set<String> ADDRESS_WORDS =
            Set.of(
                    // Arabic
                    "مرحبا",
                    "اهلا",
                    "أهلا",
                    "عزيزي",
                    "عزيزتي",
                    "أستاذ",
                    "أستاذة",
                    "استاذ",
                    "استاذة",
                    "السيد",
                    "السيدة",
                    "الأخ",
                    "الأخت",
                    "الاخ",
                    "الاخت",
                    "شكرا",
                    "يا",
                    "أخي",
                    "أختي",
                    // Hebrew
                    "שלום",
                    "היי",
                    "הי",
                    "תודה",
                    "לכבוד",
                    "מר",
                    "גברת",
                    "יקר",
                    "יקרה");

    /** Hebrew one-letter prefixes (and, the, in, as, to, from, that) glued to the next word. */
    static final String HEBREW_PREFIXES = "ובהכלמש";

    /** What may stand right before a signature's name: a line break, a sentence's end. */
    private static final String SIGNATURE_BEFORE = "\n\r.!?。！？";

    /** And in a script without capitals, a comma ({@code בברכה, אבי}). */
    private static final String SIGNATURE_COMMAS = ",،，";

    /** Honorifics after a Korean name ({@code 민준 씨}, {@code 서연님}). */
    static final List<String> HANGUL_HONORIFICS = List.of("님", "씨");

    /** Longer honorifics a Korean name goes on with ({@code 서연 고객님}, {@code 수민 선생님}). */
    static final List<String> HANGUL_HONORIFICS_LONG = List.of("고객님", "선생님");

    /** What Korean glues to a whole name: honorifics and particles. */
    static final List<String> HANGUL_SUFFIXES =
            List.of(
                    "님", "씨", "고객", "선생", "이", "가", "은", "는", "을", "를", "의", "에게", "께", "도", "과",
                    "와", "한테", "입니다", "예요", "이에요", "이랑", "랑", "으로", "로");

    /**
     * A trie node: the names that start with the segments leading here. A name in an alphabetic
     * script is cut after each run of letters ({@code "anna müller"} is {@code "anna"}, {@code "
     * müller"}), one written in Han or kana after each character.
     */
    private static final class Node {
        /** next segment -> node; null while there is none. */
        Map<String, Node> children;

        /** subject id -> part, for the name ending here; null if none does. */
        Map<String, Part> subjects;

        /** The name as first registered (the finding's normalized value). */
        String display;

        Node child(String segment) {
            return children == null ? null : children.get(segment);
        }
    }

    /** Names whose first character is not Han or kana, cut into words. */
    private final Node latin = new Node();

    /** Names whose first character is Han or kana, cut into characters. */
    private final Node cjk = new Node();

    /** subject id -> its folded keys (an array: one per subject, kept small). */
    private final Map<String, String[]> keysBySubject = new HashMap<>();

    /** The dictionary as {@link InflectedNames} reads it. */
    private final InflectedNames.Lookup lookup =
            new InflectedNames.Lookup() {
                @Override
                public Map<String, Part> subjects(String key) {
                    Node node = key.isEmpty() ? null : find(key);
                    return node == null ? null : node.subjects;
                }

                @Override
                public String display(String key) {
                    return find(key).display;
                }
            };

    @Override
    public String name() {
        return NAME;
    }

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
            } else if (isHangul(first.charAt(0)) && isHangul(last.charAt(0))) {
                // Korean: family name first, mostly without a space (김민준)
                add(subjectId, last + first, Part.FULL, keys);
                add(subjectId, last + " " + first, Part.FULL, keys);
                add(subjectId, first + " " + last, Part.FULL, keys);
            } else {
                add(subjectId, first + " " + last, Part.FULL, keys);
            }
        }
        if (first != null) {
            add(
                    subjectId,
                    first,
                    last == null && wholeHangulName(first) ? Part.FULL : Part.FIRST,
                    keys);
        }
        if (last != null) {
            add(subjectId, last, Part.LAST, keys);
        }
        if (!keys.isEmpty()) {
            keysBySubject.put(subjectId, keys.toArray(String[]::new));
        }
    }

    /** Forgets every name of {@code subjectId}. */
    public void forget(String subjectId) {
        String[] keys = keysBySubject.remove(subjectId);
        if (keys == null) {
            return;
        }
        for (String key : keys) {
            remove(key, subjectId);
        }
    }

    /** How many subjects have a name registered. */
    public int subjects() {
        return keysBySubject.size();
    }

    /** The subjects one of whose names folds like {@code name}, with which part it is. */
    public Map<String, Part> subjectsNamed(String name) {
        String key = fold(name.strip());
        Node node = key.isEmpty() ? null : find(key);
        return node == null || node.subjects == null
                ? Map.of()
                : Collections.unmodifiableMap(node.subjects);
    }

    @Override
    public List<Finding> detect(String text) {
        return match(text).stream().map(NameMatch::finding).toList();
    }

    /** Every name of a known subject in {@code text}, leftmost-longest, with its subjects. */
    public List<NameMatch> match(String text) {
        List<NameMatch> found = new ArrayList<>();
        if (text == null || text.isEmpty() || (latin.children == null && cjk.children == null)) {
            return found;
        }
        String folded = fold(text);
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (!Character.isLetter(c)) {
                i++;
                continue;
            }
            boolean cjkStart = isCjk(c) || isHangul(c);
            boolean wordStart = i == 0 || !Character.isLetter(text.charAt(i - 1));
            if ((!cjkStart || isHangul(c)) && !wordStart) {
                i++;
                continue;
            }
            NameMatch m = longestAt(text, folded, i, cjkStart, wordStart);
            if (!cjkStart && (m == null || !m.subjects().containsValue(Part.FULL))) {
                NameMatch inflected = InflectedNames.at(text, folded, i, lookup);
                if (inflected != null
                        && inflected.finding().end() > (m == null ? i : m.finding().end())) {
                    m = inflected;
                }
            }
            if (m == null
                    && !cjkStart
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

    /**
     * The longest allowed name starting at {@code i}: walks the trie along the text, one word (one
     * character from a Han or kana start) at a time, as long as some registered name continues so,
     * then takes the longest name passed whose subjects the context allows.
     */
    private NameMatch longestAt(
            String text, String folded, int i, boolean cjkStart, boolean wordStart) {
        int n = text.length();
        int limit = Math.min(n, i + (cjkStart ? MAX_CJK_NAME_LENGTH : MAX_NAME_LENGTH));
        Node node = cjkStart ? cjk : latin;
        int[] ends = null;
        Node[] names = null;
        int count = 0;
        int j = i;
        while (true) {
            int next = j + 1;
            if (!cjkStart) {
                // a name in an alphabetic script ends where a run of letters does
                while (next <= limit
                        && !(Character.isLetter(text.charAt(next - 1))
                                && (next == n || !Character.isLetter(text.charAt(next))))) {
                    next++;
                }
            }
            if (next > limit) {
                break;
            }
            node = node.child(folded.substring(j, next));
            if (node == null) {
                break;
            }
            j = next;
            if (node.subjects != null) {
                if (ends == null) {
                    ends = new int[4];
                    names = new Node[4];
                } else if (count == ends.length) {
                    ends = Arrays.copyOf(ends, count * 2);
                    names = Arrays.copyOf(names, count * 2);
                }
                ends[count] = j;
                names[count] = node;
                count++;
            }
        }
        for (int k = count - 1; k >= 0; k--) {
            int end = ends[k];
            boolean wordEnd = end == n || !Character.isLetter(text.charAt(end));
            Map<String, Part> allowed = new LinkedHashMap<>();
            for (Map.Entry<String, Part> e : names[k].subjects.entrySet()) {
                if (allowed(e.getValue(), text, i, end, cjkStart, wordStart, wordEnd)) {
                    allowed.put(e.getKey(), e.getValue());
                }
            }
            if (!allowed.isEmpty()) {
                return new NameMatch(finding(names[k].display, i, end, allowed), allowed);
            }
        }
        return null;
    }

    private static boolean allowed(
            Part part, String text, int i, int j, boolean cjk, boolean wordStart, boolean wordEnd) {
        if (cjk && isHangul(text.charAt(i))) {
            return hangulAllowed(part, text, j, wordStart, wordEnd);
        }
        if (part == Part.FULL) {
            return cjk || (wordStart && wordEnd);
        }
        if (cjk) {
            return wordStart && (wordEnd || HONORIFICS.indexOf(text.charAt(j)) >= 0);
        }
        return aloneAllowed(text, i, j, wordStart, wordEnd);
    }

    /**
     * Whether a first or family name alone, in an alphabetic script, is taken as a name at {@code
     * [i, j)}: a whole word starting with a capital letter; in a script without capitals (Arabic,
     * Hebrew) right after a word of address ({@code مرحباً محمد}, {@code שלום נועה}, {@link
     * #ADDRESS_WORDS}); in such a script or in lower case, as the text's signature: its last word,
     * standing alone after a sentence's end or a line break ({@code … pour la facturation.
     * océane}), or in a script without capitals after a comma ({@code בברכה, אבי}).
     */
    static boolean aloneAllowed(String text, int i, int j, boolean wordStart, boolean wordEnd) {
        if (!wordStart || !wordEnd) {
            return false;
        }
        char first = text.charAt(i);
        if (Character.isUpperCase(first) || Character.isTitleCase(first)) {
            return true;
        }
        boolean caseless = !Character.isLowerCase(first);
        return (caseless && afterAddressWord(text, i)) || signature(text, i, j, caseless);
    }

    private static boolean afterAddressWord(String text, int i) {
        int end = i;
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        if (end == i) {
            return false;
        }
        int start = end;
        while (start > 0
                && (Character.isLetter(text.charAt(start - 1)) || isMark(text.charAt(start - 1)))) {
            start--;
        }
        StringBuilder word = new StringBuilder();
        for (int k = start; k < end; k++) {
            if (!isMark(text.charAt(k))) {
                word.append(text.charAt(k));
            }
        }
        return ADDRESS_WORDS.contains(word.toString());
    }

    private static boolean signature(String text, int i, int j, boolean caseless) {
        for (int k = j; k < text.length(); k++) {
            char c = text.charAt(k);
            if (Character.isLetterOrDigit(c)) {
                return false;
            }
        }
        int k = i;
        while (k > 0 && (text.charAt(k - 1) == ' ' || text.charAt(k - 1) == '\t')) {
            k--;
        }
        if (k == 0) {
            return false; // the text is the name alone: nothing says it is one
        }
        char before = text.charAt(k - 1);
        return SIGNATURE_BEFORE.indexOf(before) >= 0
                || (caseless && SIGNATURE_COMMAS.indexOf(before) >= 0);
    }

    private static boolean isMark(char c) {
        int t = Character.getType(c);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK;
    }

    /**
     * A name in Hangul: Korean is written with spaces, but glues particles and honorifics to a name
     * ({@code 김민준님}, {@code 이서연이}). A whole name at a word's start, ending the word or followed by
     * one of {@link #HANGUL_SUFFIXES}; a first or family name alone only before an honorific
     * ({@code 민준 씨}, {@code 서연님}), as Hangul has no capital letters to tell a name.
     */
    static boolean hangulAllowed(
            Part part, String text, int j, boolean wordStart, boolean wordEnd) {
        if (!wordStart) {
            return false;
        }
        if (part == Part.FULL) {
            return wordEnd || startsWithAny(text, j, HANGUL_SUFFIXES);
        }
        if (startsWithAny(text, j, HANGUL_HONORIFICS)) {
            return true; // 서연님
        }
        return j < text.length()
                && text.charAt(j) == ' '
                && (startsWithAny(text, j + 1, HANGUL_HONORIFICS)
                        || startsWithAny(text, j + 1, HANGUL_HONORIFICS_LONG));
    }

    private static boolean startsWithAny(String text, int at, List<String> words) {
        for (String w : words) {
            if (text.startsWith(w, at)) {
                return true;
            }
        }
        return false;
    }

    private static Finding finding(String display, int start, int end, Map<String, Part> subjects) {
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
                display,
                confidence,
                part + " of " + count + " known subject" + (count == 1 ? "" : "s"));
    }

    private void add(String subjectId, String name, Part part, List<String> keys) {
        add(subjectId, name, name, part, keys);
    }

    /** Adds {@code name}, found as {@code display} (the name in its registered order). */
    private void add(String subjectId, String name, String display, Part part, List<String> keys) {
        String key = fold(name);
        if (key.length() < 2 && !isCjk(key.charAt(0))) {
            return; // an initial is not a name
        }
        if (!fits(key)) {
            return; // longer than any name: see MAX_NAME_LENGTH
        }
        Node node = root(key);
        for (String segment : segments(key)) {
            if (node.children == null) {
                node.children = new HashMap<>(4);
            }
            node = node.children.computeIfAbsent(segment, s -> new Node());
        }
        if (node.subjects == null) {
            node.subjects = new LinkedHashMap<>();
            node.display = display;
        }
        node.subjects.merge(subjectId, part, KnownSubjectNames::stronger);
        keys.add(key);
    }

    private void remove(String key, String subjectId) {
        List<String> segments = segments(key);
        Node[] path = new Node[segments.size() + 1];
        path[0] = root(key);
        for (int k = 0; k < segments.size(); k++) {
            path[k + 1] = path[k].child(segments.get(k));
            if (path[k + 1] == null) {
                return;
            }
        }
        Node node = path[segments.size()];
        if (node.subjects == null) {
            return;
        }
        node.subjects.remove(subjectId);
        if (!node.subjects.isEmpty()) {
            return;
        }
        node.subjects = null;
        node.display = null;
        // drop the nodes no name passes through any more
        for (int k = segments.size(); k > 0; k--) {
            Node n = path[k];
            if (n.subjects != null || n.children != null) {
                break;
            }
            path[k - 1].children.remove(segments.get(k - 1));
            if (path[k - 1].children.isEmpty()) {
                path[k - 1].children = null;
            }
        }
    }

    private Node find(String key) {
        Node node = root(key);
        for (String segment : segments(key)) {
            node = node.child(segment);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private Node root(String key) {
        return perCharacter(key.charAt(0)) ? cjk : latin;
    }

    /**
     * A folded name cut as the trie holds it: in Han or kana into characters, otherwise after each
     * run of letters ({@link NameFolding} keeps a letter a letter and a non-letter a non-letter, so
     * the cuts of a name are the cuts of the text it matches).
     */
    private static List<String> segments(String key) {
        List<String> out = new ArrayList<>();
        if (perCharacter(key.charAt(0))) {
            for (int k = 0; k < key.length(); k++) {
                out.add(key.substring(k, k + 1));
            }
            return out;
        }
        int from = 0;
        for (int p = 1; p < key.length(); p++) {
            if (Character.isLetter(key.charAt(p - 1)) && !Character.isLetter(key.charAt(p))) {
                out.add(key.substring(from, p));
                from = p;
            }
        }
        out.add(key.substring(from));
        return out;
    }

    /** Whether a folded name is within the bounds a registered name may have. */
    static boolean fits(String key) {
        if (perCharacter(key.charAt(0))) {
            return key.length() <= MAX_CJK_NAME_LENGTH;
        }
        if (key.length() > MAX_NAME_LENGTH) {
            return false;
        }
        int words = 0;
        for (int p = 0; p < key.length(); p++) {
            if (Character.isLetter(key.charAt(p))
                    && (p == 0 || !Character.isLetter(key.charAt(p - 1)))) {
                words++;
            }
        }
        return words <= MAX_NAME_WORDS;
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

    /**
     * {@link NameFolding#fold} and the Greek final sigma as any other ({@code ΠΑΠΑΔΟΠΟΥΛΟΣ} and
     * {@code Παπαδόπουλος} alike); one character for one character.
     */
    static String fold(String text) {
        return NameFolding.fold(text).replace('ς', 'σ');
    }

    /** Hangul syllables and letters. */
    static boolean isHangul(char c) {
        return Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL;
    }

    /** Names held in the trie character by character: Han, kana and Hangul. */
    static boolean perCharacter(char c) {
        return isCjk(c) || isHangul(c);
    }

    /** A name in Hangul of three or four syllables, without a space: family and given name. */
    static boolean wholeHangulName(String name) {
        return name.length() >= 3
                && name.length() <= 4
                && name.chars().allMatch(c -> isHangul((char) c) && Character.isLetter(c));
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
