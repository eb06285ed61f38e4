package dev.lethe.discovery;

import java.text.Normalizer;

/**
 * Folds text for name matching, one character for one character (so positions in the folded text
 * are positions in the original): lower case, diacritics removed ({@code Müller} and {@code
 * Muller}, {@code Łukasz} and {@code Lukasz} fold alike), every whitespace character a plain space.
 * Characters without a folded form (Han, kana, ...) stay as they are.
 */
public final class NameFolding {

    private static final int CACHED = 0x3000;
    private static final char[] CACHE = new char[CACHED];

    /** The space between a Japanese family and given name, just past the cached range. */
    private static final char IDEOGRAPHIC_SPACE = '\u3000';

    static {
        for (int c = 0; c < CACHED; c++) {
            CACHE[c] = compute((char) c);
        }
    }

    private NameFolding() {}

    /** {@code text} folded, of the same length. */
    public static String fold(String text) {
        char[] out = new char[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fold(text.charAt(i));
        }
        return new String(out);
    }

    /**
     * A name as it is matched: {@link #fold folded}, every run of spaces one space, no space at
     * either end ({@code " Łukasz\u00a0 Wójcik "} is {@code "lukasz wojcik"}).
     */
    public static String foldName(String name) {
        return fold(name).replaceAll(" +", " ").strip();
    }

    /** One character folded. */
    public static char fold(char c) {
        if (c < CACHED) {
            return CACHE[c];
        }
        return c == IDEOGRAPHIC_SPACE ? ' ' : c;
    }

    private static char compute(char c) {
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return ' ';
        }
        switch (c) {
            case 'ł':
            case 'Ł':
                return 'l';
            case 'ø':
            case 'Ø':
                return 'o';
            case 'đ':
            case 'Đ':
                return 'd';
            case 'ı':
                return 'i';
            default:
                break;
        }
        if (Character.isSurrogate(c)) {
            return c;
        }
        String decomposed = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
        char base = decomposed.charAt(0);
        for (int i = 1; i < decomposed.length(); i++) {
            if (Character.getType(decomposed.charAt(i)) != Character.NON_SPACING_MARK) {
                base = c; // not a letter plus marks: keep it whole
                break;
            }
        }
        char lower = Character.toLowerCase(base);
        return lower;
    }
}
