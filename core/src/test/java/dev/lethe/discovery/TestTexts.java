package dev.lethe.discovery;

/** Texts of a given size for the detectors' tests. */
final class TestTexts {

    private TestTexts() {}

    /** {@code unit} repeated, cut at exactly {@code length} characters. */
    static String repeat(String unit, int length) {
        StringBuilder s = new StringBuilder(length + unit.length());
        while (s.length() < length) {
            s.append(unit);
        }
        s.setLength(length);
        return s.toString();
    }
}
