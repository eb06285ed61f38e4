package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Social media handles written {@code @name}.
 *
 * <ul>
 *   <li>Latin ones follow Twitter/X's rules: 1 to 15 letters, digits or underscores. Where the text
 *       names, on the same line, a platform whose names may hold dots (Instagram, TikTok, Threads:
 *       {@link #DOTTED_PLATFORMS}), also up to 30 characters with single dots inside ({@code Insta
 *       (@anna.mueller.design)}); a dot at the end is the sentence's full stop.
 *   <li>Handles of other scripts ({@code 微博@爱旅行的小芳 }): {@code @} and a run of up to 30 letters,
 *       digits or underscores starting with a letter outside ASCII, ending where the run does (as
 *       Weibo reads its mentions).
 * </ul>
 *
 * <p>To keep email addresses out: the {@code @} must not follow a character that can end an email's
 * local part (a letter, digit, {@code . _ % + -}), except a letter of a script written without
 * spaces (Han, kana, Hangul, Thai: {@code 微博@…}); and the handle must not be followed by a dot and
 * a letter or digit (then it is a domain, as in {@code @gmx.de} or {@code 鈴木@例え.jp}), nor by
 * {@code @}. A Latin handle ends where a letter of another script starts ({@code @minjun_kr로}).
 * Normalized to lower case with its {@code @}.
 */
public final class SocialHandleDetector implements PiiDetector {

    public static final String NAME = "social_handle";

    /** Twitter/X's longest handle. */
    static final int MAX_PLAIN = 15;

    /** Instagram's and TikTok's longest handle, and the longest handle of another script. */
    static final int MAX_LONG = 30;

    /** Characters of the line before the {@code @} and after the handle a platform is named in. */
    static final int PLATFORM_BEFORE = 100;

    static final int PLATFORM_AFTER = 40;

    /**
     * Names of platforms whose handles may hold dots; a trailing {@code *} marks a stem (the word
     * may go on: {@code Instagramie}). Names of scripts with spaces match at a word's start.
     */
    static final List<String> DOTTED_PLATFORMS =
            List.of(
                    "instagram*",
                    "insta",
                    "ig",
                    "tiktok*",
                    "tik tok",
                    "threads",
                    "инстаграм*",
                    "инста",
                    "инсте",
                    "инсту",
                    "тикток*",
                    "ινσταγκραμ*",
                    "ίνσταγκραμ*",
                    "انستغرام",
                    "إنستغرام",
                    "انستقرام",
                    "انستا",
                    "تيك توك",
                    "אינסטגרם",
                    "אינסטה",
                    "טיקטוק",
                    "인스타",
                    "틱톡",
                    "インスタ",
                    "ティックトック",
                    "抖音");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> detect(String text) {
        List<Finding> found = new ArrayList<>();
        if (text == null || text.indexOf('@') < 0) {
            return found;
        }
        int n = text.length();
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            if (at > 0 && mayEndLocalPart(text.codePointBefore(at))) {
                continue;
            }
            if (at + 1 >= n) {
                break;
            }
            int first = text.codePointAt(at + 1);
            Finding f =
                    isAsciiHandleChar(first)
                            ? latin(text, at)
                            : Character.isLetter(first) ? otherScript(text, at) : null;
            if (f != null) {
                found.add(f);
                at = f.end() - 1;
            }
        }
        return found;
    }

    private static Finding latin(String text, int at) {
        int n = text.length();
        int end = at + 1;
        while (end < n && (isAsciiHandleChar(text.charAt(end)) || text.charAt(end) == '.')) {
            end++;
        }
        while (text.charAt(end - 1) == '.') {
            end--; // the sentence's full stop
        }
        String handle = text.substring(at + 1, end);
        if (followedByDomainOrAt(text, end) || handle.contains("..")) {
            return null;
        }
        if (handle.chars().noneMatch(c -> Character.isLetter(c) || c == '_')) {
            return null; // "@10" is a price or a time, not a handle
        }
        boolean dotted = handle.indexOf('.') >= 0;
        boolean platform =
                handle.length() > MAX_PLAIN || dotted ? namesDottedPlatform(text, at, end) : false;
        if (dotted && (!platform || (at > 0 && Character.isLetter(text.codePointBefore(at))))) {
            return null; // @gmx.de, @example.com, 鈴木@example.jp: a domain
        }
        if (handle.length() > (platform ? MAX_LONG : MAX_PLAIN)) {
            return null;
        }
        return new Finding(
                NAME,
                PiiKind.SOCIAL_HANDLE,
                at,
                end,
                normalize(text.substring(at, end)),
                0.8,
                "@ followed by "
                        + handle.length()
                        + " handle characters, not part of an email address"
                        + (dotted ? ", dots allowed by the platform the text names" : ""));
    }

    private static Finding otherScript(String text, int at) {
        int n = text.length();
        int end = at + 1;
        int count = 0;
        while (end < n) {
            int cp = text.codePointAt(end);
            if (!(Character.isLetterOrDigit(cp)
                    || cp == '_'
                    || Character.getType(cp) == Character.NON_SPACING_MARK
                    || Character.getType(cp) == Character.COMBINING_SPACING_MARK)) {
                break;
            }
            end += Character.charCount(cp);
            count++;
        }
        if (count > MAX_LONG || followedByDomainOrAt(text, end)) {
            return null;
        }
        return new Finding(
                NAME,
                PiiKind.SOCIAL_HANDLE,
                at,
                end,
                normalize(text.substring(at, end)),
                0.75,
                "@ followed by " + count + " letters of a handle, not part of an email address");
    }

    /** A dot (or full-width dot) and a letter or digit: a domain; or another {@code @}. */
    private static boolean followedByDomainOrAt(String text, int end) {
        if (end >= text.length()) {
            return false;
        }
        char c = text.charAt(end);
        if (c == '@' || c == '＠') {
            return true;
        }
        return (c == '.' || c == '．' || c == '｡')
                && end + 1 < text.length()
                && Character.isLetterOrDigit(text.codePointAt(end + 1));
    }

    /** Whether {@code cp} can end an email's local part, the scripts without spaces aside. */
    private static boolean mayEndLocalPart(int cp) {
        if (cp == '.' || cp == '_' || cp == '%' || cp == '+' || cp == '-' || cp == '@') {
            return true;
        }
        if (!Character.isLetterOrDigit(cp)) {
            return false;
        }
        return !WordSpacing.unspacedScript(cp);
    }

    private static boolean isAsciiHandleChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_';
    }

    /** Whether the line around the handle names a platform whose handles may hold dots. */
    static boolean namesDottedPlatform(String text, int at, int end) {
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        int lineEnd = text.indexOf('\n', end);
        if (lineEnd < 0) {
            lineEnd = text.length();
        }
        int from = Math.max(lineStart, at - PLATFORM_BEFORE);
        int to = Math.min(lineEnd, end + PLATFORM_AFTER);
        // the handle itself does not count (@ig.shop)
        String context =
                (text.substring(from, at) + " " + text.substring(end, to)).toLowerCase(Locale.ROOT);
        for (String p : DOTTED_PLATFORMS) {
            boolean stem = p.endsWith("*");
            String name = stem ? p.substring(0, p.length() - 1) : p;
            boolean spaced = WordSpacing.spaced(name);
            for (int i = context.indexOf(name); i >= 0; i = context.indexOf(name, i + 1)) {
                if (!spaced) {
                    return true;
                }
                int e = i + name.length();
                boolean starts =
                        i == 0
                                || !(Character.isLetterOrDigit(context.charAt(i - 1))
                                        || context.charAt(i - 1) == '@'
                                        || context.charAt(i - 1) == '.'
                                        || context.charAt(i - 1) == '_');
                boolean ends =
                        e == context.length() || !Character.isLetterOrDigit(context.charAt(e));
                if (starts && (stem || ends)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Lower case, with a leading {@code @} (added if missing). */
    public static String normalize(String handle) {
        String h = handle.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("@") ? h : "@" + h;
    }
}
