package dev.lethe.discovery;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Email addresses, internationalized ones included (RFC 6531 local parts, IDN domains): a dot-atom
 * local part, {@code @} (or the full-width {@code ＠} East Asian input methods type, recorded as
 * {@code @}), and a domain of at least two labels ending in an alphabetic top-level domain (or a
 * punycode one, {@code xn--…}). A match never starts in the middle of a word and never takes a
 * trailing dot ({@code "write to anna@gmx.de."}) or what follows {@code _} in a file name ({@code
 * "anna@gmx.de_invoice.pdf"}). A domain of more than {@value #MAX_LABELS_BEFORE_TLD} labels before
 * its top-level domain (longer than any host name) is no match. Linear in the text's length.
 *
 * <p>An address is found whole or not at all, never as a part of what is written:
 *
 * <ul>
 *   <li>Local parts and labels hold letters, combining marks and digits of any script; the local
 *       part also {@code _ % + -}, and an apostrophe between two of its characters ({@code
 *       o'brien}). A letter, mark, number or joiner (ZWJ, ZWNJ) right before the local part or
 *       right after the top-level domain, or a dot-separated word after it, makes the stretch no
 *       address: {@code JOSÉ.ÁLVAREZ@…} is never read as {@code LVAREZ@…}.
 *   <li>Scripts written without spaces between words (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar)
 *       are the only word boundary without a separator: a Latin address right after Japanese text
 *       ({@code メールはsato@example.jpまで}) starts and ends where the script changes.
 *   <li>A dot-separated part of the local part, or a label of the domain, that mixes the letters of
 *       two scripts (Latin and Cyrillic, Latin and Han, …; Han, kana and Hangul count as one) is no
 *       address: a look-alike or two words glued together.
 *   <li>A local part in a script without spaces whose letters mix writing systems (kanji with kana:
 *       {@code 会社のアドレスは鈴木@例え.jp}) holds the words before the address, whose start cannot be told:
 *       no address ({@link #oneWritingSystemUnspaced}).
 *   <li>In free text a local part of more than {@value #MAX_LOCAL_OCTETS} octets in UTF-8 (RFC 5321
 *       §4.5.3.1.1, kept by RFC 6531) is no address: it holds more than the address.
 * </ul>
 *
 * <p>An ASCII address spelled out to escape harvesters ({@code mark.taylor [at] bigpond [dot] com},
 * {@code anna(at)example.de}) is found too, at confidence {@value #SPELLED_OUT_CONFIDENCE}, if what
 * it spells is an address whole; its value is the plain address.
 *
 * <p>Normalized to NFC and lower case ({@link #normalize}). Two addresses are the same address when
 * their {@linkplain #comparisonKey comparison keys} are equal: the domain compared in its ASCII
 * (punycode) form, so {@code zoë@bücher.de} and {@code zoë@xn--bcher-kva.de} are one address.
 */
public final class EmailDetector implements PiiDetector {

    public static final String NAME = "email";

    /**
     * A host name has at most 253 characters, so at most 126 labels before its top-level domain.
     * The bound keeps the regex's recursion shallow: {@code java.util.regex} recurses once per
     * repetition of a group it may have to backtrack into, and an unbounded {@code (label\.)+}
     * overflowed the stack on a long run of {@code "a.a.a…"} after an {@code @}.
     */
    static final int MAX_LABELS_BEFORE_TLD = 126;

    /** Most octets (UTF-8) of a local part found in free text (RFC 5321, RFC 6531). */
    static final int MAX_LOCAL_OCTETS = 64;

    /** Letters of scripts written without spaces between words (and the kana length mark). */
    private static final String UNSPACED =
            "\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsHangul}\\p{IsBopomofo}"
                    + "\\p{IsThai}\\p{IsLao}\\p{IsKhmer}\\p{IsMyanmar}\\u30FC\\uFF70";

    /** Letters, marks and numbers of the scripts written with spaces (ASCII included). */
    private static final String SPACED = "[\\p{L}\\p{M}\\p{N}&&[^" + UNSPACED + "]]";

    /** Letters, marks and numbers of a text without spaces. */
    private static final String UNSPACED_WORD = "[" + UNSPACED + "\\p{M}\\p{N}]";

    private static final String JOINERS = "\\u200C\\u200D";

    // The local part is possessive (never given back): no shorter local part can be followed by
    // the "@", and a possessive repetition does not recurse per repetition. It is written in the
    // scripts with spaces, or in those without (then it starts with a letter of theirs, and a
    // word of another script may be glued to it).
    private static final String ATOM_SPACED =
            "(?!\\p{M})[" + SPACED + "_%+\\-]++(?:'[" + SPACED + "_%+\\-]++)*+";
    private static final String LOCAL_SPACED =
            "(?<!["
                    + SPACED
                    + "._%+\\-"
                    + JOINERS
                    + "]|["
                    + SPACED
                    + "_%+\\-]')"
                    + ATOM_SPACED
                    + "(?:\\."
                    + ATOM_SPACED
                    + ")*+";
    private static final String ATOM_UNSPACED = "(?!\\p{M})[" + UNSPACED_WORD + "_%+\\-]++";
    private static final String LOCAL_UNSPACED =
            "(?<!["
                    + UNSPACED_WORD
                    + "._%+\\-"
                    + JOINERS
                    + "])(?=["
                    + UNSPACED
                    + "])"
                    + ATOM_UNSPACED
                    + "(?:\\."
                    + ATOM_UNSPACED
                    + ")*+";

    // A label is atomic: it can match only one way (the longest run ending in a letter or digit,
    // at most 63 characters), so a failed match never tries its labels again.
    private static final String LABEL_CHAR = "[\\p{L}\\p{M}\\p{Nd}]";
    private static final String LABEL =
            "(?>(?!\\p{M})" + LABEL_CHAR + "(?:[\\p{L}\\p{M}\\p{Nd}\\-]{0,61}" + LABEL_CHAR + ")?)";

    private static final String AFTER_SPACED =
            "(?![" + SPACED + "\\-" + JOINERS + "]|\\.[" + SPACED + "])";
    private static final String AFTER_UNSPACED =
            "(?![" + UNSPACED_WORD + "\\-" + JOINERS + "]|\\.[" + UNSPACED_WORD + "])";
    private static final String TLD =
            "(?:[Xx][Nn]--[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,57}[A-Za-z0-9])?"
                    + AFTER_SPACED
                    + "|(?!\\p{M})[\\p{L}\\p{M}&&[^"
                    + UNSPACED
                    + "]]{2,24}"
                    + AFTER_SPACED
                    + "|(?!\\p{M})["
                    + UNSPACED
                    + "\\p{M}]{2,24}"
                    + AFTER_UNSPACED
                    + ")";

    private static final Pattern EMAIL =
            Pattern.compile(
                    "(?:"
                            + LOCAL_SPACED
                            + "|"
                            + LOCAL_UNSPACED
                            + ")[@\uFF20](?:"
                            + LABEL
                            + "\\.){1,"
                            + MAX_LABELS_BEFORE_TLD
                            + "}"
                            + TLD);

    /**
     * An ASCII address written to escape harvesters: {@code mark.taylor [at] bigpond [dot] com},
     * {@code anna(at)example.de}; the brackets may be square, round or curly, {@code at} and {@code
     * dot} in any case.
     */
    private static final Pattern SPELLED_OUT =
            Pattern.compile(
                    "(?<![\\p{L}\\p{M}\\p{N}._%+\\-])([A-Za-z0-9._%+\\-]++)\\s?[\\[({]\\s?(?i:at)\\s?[\\])}]"
                            + "\\s?([A-Za-z0-9\\-]++(?:(?:\\s?[\\[({]\\s?(?i:dot)\\s?[\\])}]\\s?|\\.)"
                            + "[A-Za-z0-9\\-]++){1,"
                            + MAX_LABELS_BEFORE_TLD
                            + "})(?![\\p{L}\\p{M}\\p{N}])");

    private static final Pattern SPELLED_DOT =
            Pattern.compile("\\s?[\\[({]\\s?(?i:dot)\\s?[\\])}]\\s?");

    /** A spelled-out address is less certain than a plain one. */
    static final double SPELLED_OUT_CONFIDENCE = 0.85;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> detect(String text) {
        List<Finding> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        if (text.indexOf('@') < 0 && text.indexOf(FULL_WIDTH_AT) < 0) {
            spelledOut(text, found);
            return found;
        }
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            String address = m.group();
            if (!oneScriptPerPart(address)
                    || !oneWritingSystemUnspaced(address)
                    || localOctets(address) > MAX_LOCAL_OCTETS) {
                continue; // not this address, and no part of it either
            }
            found.add(
                    new Finding(
                            NAME,
                            PiiKind.EMAIL,
                            m.start(),
                            m.end(),
                            normalize(address),
                            0.95,
                            "local@domain with a "
                                    + (m.end() - m.start())
                                    + "-character address"
                                    + " and an alphabetic top-level domain"));
        }
        spelledOut(text, found);
        return found;
    }

    /**
     * Adds the spelled-out addresses of {@code text} ({@code a [at] b [dot] com}) that overlap no
     * address found, each only if what it spells is an address whole.
     */
    private static void spelledOut(String text, List<Finding> found) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.contains("at]") && !lower.contains("at)") && !lower.contains("at}")) {
            return;
        }
        Matcher m = SPELLED_OUT.matcher(text);
        boolean added = false;
        while (m.find()) {
            String address = m.group(1) + "@" + SPELLED_DOT.matcher(m.group(2)).replaceAll(".");
            int start = m.start();
            int end = m.end();
            if (!isEmail(address)
                    || found.stream().anyMatch(f -> f.start() < end && start < f.end())) {
                continue;
            }
            found.add(
                    new Finding(
                            NAME,
                            PiiKind.EMAIL,
                            start,
                            end,
                            normalize(address),
                            SPELLED_OUT_CONFIDENCE,
                            "address spelled out with [at]/[dot], "
                                    + (end - start)
                                    + " characters"));
            added = true;
        }
        if (added) {
            found.sort(java.util.Comparator.comparingInt(Finding::start));
        }
    }

    /** The full-width commercial at ({@code ＠}), as Japanese and Chinese input methods type it. */
    static final char FULL_WIDTH_AT = '\uFF20';

    /** NFC, lower case, a full-width {@code ＠} as {@code @}, surrounding whitespace removed. */
    public static String normalize(String email) {
        String composed =
                Normalizer.normalize(email.trim().replace(FULL_WIDTH_AT, '@'), Normalizer.Form.NFC);
        return Normalizer.normalize(composed.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
    }

    /**
     * What two addresses are compared by: {@link #normalize normalized}, with an internationalized
     * domain in its ASCII (punycode) form, so an address matches whether its domain is written in
     * Unicode or in punycode, in any case. A domain holding a character IDNA2003 (the JDK's {@link
     * IDN}) maps to another (ß, final sigma, ZWJ, ZWNJ), or that it cannot convert, is compared as
     * written: a miss rather than the address of another domain. The local part is compared as
     * written (composed, lower case).
     */
    public static String comparisonKey(String email) {
        String n = normalize(email);
        int at = n.lastIndexOf('@'); // normalize made a full-width ＠ an @
        if (at < 0) {
            return n;
        }
        String domain = n.substring(at + 1);
        if (isAscii(domain) || domain.matches(".*[\\u00DF\\u03C2\\u200C\\u200D].*")) {
            return n;
        }
        try {
            return n.substring(0, at + 1)
                    + IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return n;
        }
    }

    /** Whether {@code text} as a whole is an email address. */
    public static boolean isEmail(String text) {
        if (text == null) {
            return false;
        }
        String t = text.trim();
        return EMAIL.matcher(t).matches() && oneScriptPerPart(t) && oneWritingSystemUnspaced(t);
    }

    /** Where the local part ends: the last {@code @} or full-width {@code ＠}. */
    private static int at(String address) {
        return Math.max(address.lastIndexOf('@'), address.lastIndexOf(FULL_WIDTH_AT));
    }

    /**
     * Whether the letters of a local part written in a script without spaces are of one writing
     * system: Han alone ({@code 鈴木}), hiragana alone, katakana alone, Hangul alone, … Japanese text
     * mixes kanji, hiragana and katakana within a sentence, so a local part that mixes them ({@code
     * 会社のアドレスは鈴木}) holds the words before the address, and where the address starts cannot be told:
     * no address rather than a wrong one. The length mark {@code ー} goes with either kana.
     */
    static boolean oneWritingSystemUnspaced(String address) {
        String local = address.substring(0, at(address));
        Character.UnicodeScript script = null;
        for (int i = 0; i < local.length(); ) {
            int cp = local.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp) || cp == 0x30FC || cp == 0xFF70) {
                continue;
            }
            Character.UnicodeScript s = Character.UnicodeScript.of(cp);
            if (family(s) != Character.UnicodeScript.HAN) {
                continue; // a script with spaces: oneScriptPerPart decides
            }
            if (script == null) {
                script = s;
            } else if (script != s) {
                return false;
            }
        }
        return true;
    }

    /** UTF-8 octets before the last {@code @}. */
    private static int localOctets(String address) {
        return address.substring(0, at(address)).getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Whether each dot-separated part of the address (local part atoms, domain labels) has the
     * letters of one script at most, Han, kana, Hangul and Bopomofo counting as one.
     */
    static boolean oneScriptPerPart(String address) {
        Character.UnicodeScript script = null;
        for (int i = 0; i < address.length(); ) {
            int cp = address.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '.' || cp == '@') {
                script = null;
                continue;
            }
            if (!Character.isLetter(cp)) {
                continue;
            }
            Character.UnicodeScript s = family(Character.UnicodeScript.of(cp));
            if (s == Character.UnicodeScript.COMMON || s == Character.UnicodeScript.INHERITED) {
                continue;
            }
            if (script == null) {
                script = s;
            } else if (script != s) {
                return false;
            }
        }
        return true;
    }

    private static Character.UnicodeScript family(Character.UnicodeScript s) {
        switch (s) {
            case HIRAGANA:
            case KATAKANA:
            case HANGUL:
            case BOPOMOFO:
                return Character.UnicodeScript.HAN;
            default:
                return s;
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
