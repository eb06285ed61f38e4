package dev.lethe.discovery;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a run of digits is by its own shape, whatever a phone number library reads in it: a date
 * ({@code 05.12.2024}, {@code 03-12-2024}, {@code 2024/11/28}), an IPv4 address ({@code
 * 172.16.254.1}), or the tail of a code glued to Latin letters ({@code INV-2024-00987}, {@code
 * TR-2024-55812}; a number glued to a Han or kana word is no code: {@code 携帯は090-…}). None of them
 * is a phone number. Pure; never logs.
 */
final class NumberShape {

    /** Day, month, year (or month, day, year): the same separator twice. */
    private static final Pattern DAY_MONTH_YEAR =
            Pattern.compile("(\\d{1,2})([./-])(\\d{1,2})\\2(\\d{4}|\\d{2})");

    /** Year, month, day (ISO 8601 and the East Asian order). */
    private static final Pattern YEAR_MONTH_DAY =
            Pattern.compile("(\\d{4})([./-])(\\d{1,2})\\2(\\d{1,2})");

    private static final Pattern IPV4 =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private NumberShape() {}

    /**
     * Why the number at {@code start..end} of {@code text} is no phone number, or empty if its
     * shape says nothing. The shape is that of the whole run of digits, dots, slashes and dashes
     * the span is in (a date's day is not cut off by a reading that starts at its month).
     */
    static Optional<String> notAPhone(String text, int start, int end) {
        int from = start;
        while (from > 0 && isRunChar(text.charAt(from - 1))) {
            from--;
        }
        int to = end;
        while (to < text.length() && isRunChar(text.charAt(to))) {
            to++;
        }
        // a trailing full stop ends a sentence, not the run
        while (to > end && !Character.isDigit(text.charAt(to - 1))) {
            to--;
        }
        int runStart = from;
        while (runStart < start && !Character.isDigit(text.charAt(runStart))) {
            runStart++;
        }
        String run = text.substring(runStart, to);
        if (isDate(run)) {
            return Optional.of("a date");
        }
        if (isIpv4(run)) {
            return Optional.of("an IP address");
        }
        // the tail of a code: letters, then a dash or slash, then the digits (INV-2024-00987)
        if (runStart > 0 && isLatinLetter(text.charAt(runStart - 1))) {
            return Optional.of("part of a code");
        }
        if (runStart > 1
                && runStart == from + 1
                && (text.charAt(from) == '-' || text.charAt(from) == '/')
                && isLatinLetter(text.charAt(from - 1))) {
            return Optional.of("part of a code");
        }
        return Optional.empty();
    }

    static boolean isDate(String run) {
        Matcher m = DAY_MONTH_YEAR.matcher(run);
        if (m.matches()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(3));
            return (day(a) && month(b)) || (month(a) && day(b));
        }
        m = YEAR_MONTH_DAY.matcher(run);
        if (m.matches()) {
            int year = Integer.parseInt(m.group(1));
            return year >= 1900
                    && year <= 2099
                    && month(Integer.parseInt(m.group(3)))
                    && day(Integer.parseInt(m.group(4)));
        }
        return false;
    }

    static boolean isIpv4(String run) {
        Matcher m = IPV4.matcher(run);
        if (!m.matches()) {
            return false;
        }
        for (int g = 1; g <= 4; g++) {
            if (Integer.parseInt(m.group(g)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean day(int d) {
        return d >= 1 && d <= 31;
    }

    private static boolean month(int m) {
        return m >= 1 && m <= 12;
    }

    /** A letter codes are written in (not a Han or kana character a number is glued to). */
    private static boolean isLatinLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isRunChar(char c) {
        return Character.isDigit(c) || c == '.' || c == '/' || c == '-';
    }
}
