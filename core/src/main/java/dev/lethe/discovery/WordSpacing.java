package dev.lethe.discovery;

/**
 * Where words begin and end in free text, for the detectors that match whole words: which scripts
 * write words without spaces between them, and which characters belong to a word.
 */
final class WordSpacing {

    private WordSpacing() {}

    /**
     * Whether {@code codePoint} is of a script that writes no space between words (Han, Hiragana,
     * Katakana, Hangul, Thai): a word of it may touch the next one.
     */
    static boolean unspacedScript(int codePoint) {
        switch (Character.UnicodeScript.of(codePoint)) {
            case HAN:
            case HIRAGANA:
            case KATAKANA:
            case HANGUL:
            case THAI:
                return true;
            default:
                return false;
        }
    }

    /** Whether {@code text}, by its first character, is written in a script with spaces. */
    static boolean spaced(String text) {
        return !unspacedScript(text.codePointAt(0));
    }

    /** Whether {@code c} is part of a word: a letter or a combining mark. */
    static boolean isWordChar(char c) {
        return Character.isLetter(c)
                || Character.getType(c) == Character.NON_SPACING_MARK
                || Character.getType(c) == Character.COMBINING_SPACING_MARK;
    }
}
