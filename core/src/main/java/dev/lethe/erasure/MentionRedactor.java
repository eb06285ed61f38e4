package dev.lethe.erasure;

import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.Finding;
import dev.lethe.discovery.FreeTextScanner;
import dev.lethe.discovery.IbanDetector;
import dev.lethe.discovery.KnownSubject;
import dev.lethe.discovery.KnownSubjectNames;
import dev.lethe.discovery.PaymentCardDetector;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.PiiKind;
import dev.lethe.discovery.SocialHandleDetector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Removes one person's mentions from someone else's text, and nothing else.
 *
 * <p>The spans come from detection, never from substring search: the text as it is now (the caller
 * passes the row it has locked) is scanned with the discovery job's detectors in the discovery
 * job's priority order, the name detector knowing only this person's names. A finding is the
 * person's when it is one of their names, or when its normalized value (lower-case email, E.164
 * phone, compact IBAN, handle) is one of their identifiers. Each such span is then
 *
 * <ol>
 *   <li>trimmed of enclosing punctuation it does not balance (an opening parenthesis in front of a
 *       phone number whose closing one is outside the span stays in the text);
 *   <li>kept only if it is a whole token: at each end, the characters on both sides of the boundary
 *       are not both word characters (letters, digits, marks). Where either side is in a script
 *       written without spaces (Han, Hiragana, Katakana, Thai, ...), the detected span is the
 *       boundary. So {@code Li} inside {@code Litre} is never touched;
 *   <li>merged with the spans it overlaps, and the union replaced by one {@code replacement}.
 * </ol>
 *
 * Every character outside the person's spans stays exactly as it was. Thread-safe: a call builds
 * its own name dictionary.
 */
public final class MentionRedactor {

    /** What a person's mention becomes in someone else's text. */
    public static final String REPLACEMENT = "[erased]";

    /** One replaced span of the original text, {@code [start, end)} in UTF-16 indices. */
    public record Span(int start, int end) {
        public Span {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("span must be 0 <= start < end");
            }
        }
    }

    /** The text after redaction and the spans of the original it replaced, in order. */
    public record Result(String text, List<Span> spans) {
        public boolean changed() {
            return !spans.isEmpty();
        }
    }

    /**
     * Who is erased: their names (as registered for discovery) and their identifiers, normalized as
     * discovery normalizes them. {@code otherNames} are further names the location index holds for
     * them (a name registered earlier), each written as a whole name.
     */
    public record Person(KnownSubject subject, Set<String> identifiers, Set<String> otherNames) {
        public Person {
            Objects.requireNonNull(subject, "subject");
            Set<String> ids = new HashSet<>();
            subject.identifiers().values().forEach(v -> v.forEach(ids::add));
            identifiers.forEach(ids::add);
            Set<String> lower = new HashSet<>();
            ids.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
            identifiers = Set.copyOf(lower);
            otherNames = Set.copyOf(otherNames);
        }

        /** A person known by their own row only. */
        public static Person of(KnownSubject subject) {
            return new Person(subject, Set.of(), Set.of());
        }
    }

    private final List<String> phoneRegions;
    private final String replacement;

    public MentionRedactor(List<String> phoneRegions) {
        this(phoneRegions, REPLACEMENT);
    }

    public MentionRedactor(List<String> phoneRegions, String replacement) {
        this.phoneRegions = List.copyOf(phoneRegions);
        this.replacement = Objects.requireNonNull(replacement, "replacement");
    }

    /** {@code text} with {@code person}'s mentions replaced; null stays null. */
    public Result redact(String text, Person person) {
        if (text == null || text.isEmpty()) {
            return new Result(text, List.of());
        }
        List<Span> spans = merge(spansOf(text, person));
        if (spans.isEmpty()) {
            return new Result(text, List.of());
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Span s : spans) {
            out.append(text, at, s.start()).append(replacement);
            at = s.end();
        }
        out.append(text, at, text.length());
        return new Result(out.toString(), List.copyOf(spans));
    }

    /** The person's spans in {@code text}, trimmed and checked, not yet merged. */
    List<Span> spansOf(String text, Person person) {
        KnownSubjectNames names = new KnownSubjectNames();
        KnownSubject s = person.subject();
        names.register(s.subjectId(), s.firstName(), s.lastName());
        int n = 0;
        for (String other : person.otherNames()) {
            String name = other.strip();
            int space = name.lastIndexOf(' ');
            names.register(
                    "name:" + n++,
                    space > 0 ? name.substring(0, space) : name,
                    space > 0 ? name.substring(space + 1) : null);
        }
        FreeTextScanner scanner =
                new FreeTextScanner(
                        List.of(
                                new EmailDetector(),
                                new IbanDetector(),
                                new PaymentCardDetector(),
                                new PhoneDetector(phoneRegions),
                                new SocialHandleDetector(),
                                names));
        List<Span> spans = new ArrayList<>();
        for (Finding f : scanner.scan(text)) {
            boolean theirs =
                    f.kind() == PiiKind.NAME
                            || person.identifiers()
                                    .contains(f.normalizedValue().toLowerCase(Locale.ROOT));
            if (!theirs) {
                continue;
            }
            Span span = trim(text, f.start(), f.end());
            if (span != null && wholeToken(text, span)) {
                spans.add(span);
            }
        }
        return spans;
    }

    /** Overlapping spans as their unions, ordered by start. */
    static List<Span> merge(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        // by start, the longest first where two start together
        sorted.sort(Comparator.comparingInt(Span::start).thenComparing(Span::end, (a, b) -> b - a));
        List<Span> merged = new ArrayList<>();
        for (Span s : sorted) {
            if (!merged.isEmpty() && s.start() < merged.get(merged.size() - 1).end()) {
                Span last = merged.remove(merged.size() - 1);
                merged.add(new Span(last.start(), Math.max(last.end(), s.end())));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }

    private static final String OPENERS = "([{<\"'«“‘（【「『";
    private static final String CLOSERS = ")]}>\"'»”’）】」』";

    /**
     * The span without leading and trailing characters that are neither word characters nor part of
     * an identifier's notation ({@code +} of a phone, {@code @} of a handle), keeping a bracket
     * that the span closes (or opens) itself, as in {@code (030) 1234567}.
     */
    static Span trim(String text, int start, int end) {
        int s = start;
        int e = end;
        while (s < e) {
            char c = text.charAt(s);
            int opener = OPENERS.indexOf(c);
            if (isWord(text.codePointAt(s)) || c == '+' || c == '＋' || c == '@') {
                break;
            }
            if (opener >= 0
                    && text.indexOf(CLOSERS.charAt(opener), s + 1) >= 0
                    && text.indexOf(CLOSERS.charAt(opener), s + 1) < e) {
                break;
            }
            s++;
        }
        while (e > s) {
            char c = text.charAt(e - 1);
            int closer = CLOSERS.indexOf(c);
            if (isWord(text.codePointBefore(e))) {
                break;
            }
            if (closer >= 0 && text.lastIndexOf(OPENERS.charAt(closer), e - 2) >= s) {
                break;
            }
            e--;
        }
        return e > s ? new Span(s, e) : null;
    }

    /** Whether the span starts and ends at word boundaries (see the class comment). */
    static boolean wholeToken(String text, Span span) {
        return boundary(text, span.start()) && boundary(text, span.end());
    }

    private static boolean boundary(String text, int at) {
        if (at == 0 || at == text.length()) {
            return true;
        }
        int before = text.codePointBefore(at);
        int after = text.codePointAt(at);
        if (withoutSpaces(before) || withoutSpaces(after)) {
            return true;
        }
        return !(isWord(before) && isWord(after));
    }

    private static boolean isWord(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Scripts written without spaces between words. */
    private static boolean withoutSpaces(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return switch (script) {
            case HAN, HIRAGANA, KATAKANA, THAI, LAO, KHMER, MYANMAR, TIBETAN -> true;
            default -> false;
        };
    }
}
