package dev.lethe.discovery;

import static dev.lethe.discovery.TestTexts.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.lethe.discovery.PhoneDetector.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The phone detector reads a text in windows, each with its own bound on failed candidates: junk in
 * one part of a text does not hide numbers in another, no number is cut in two, and the work stays
 * linear in the text.
 */
class PhoneDetectorWindowTest {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private static final int W = PhoneDetector.WINDOW;

    @Test
    void windowsOfWholeLinesEndAfterALineBreak() {
        String text = ordinaryText(40);
        assertThat(text.length()).isGreaterThan(8 * W);
        List<Window> windows = PhoneDetector.windows(text);
        assertPartition(text, windows);
        for (Window w : windows) {
            assertThat(w.start()).isEqualTo(w.ownStart());
            assertThat(w.end()).isEqualTo(w.ownEnd());
            assertThat(w.end() - w.start()).isLessThanOrEqualTo(W);
            assertThat(w.end() == text.length() || text.charAt(w.end() - 1) == '\n')
                    .as("window ends after a line break: " + w)
                    .isTrue();
        }
    }

    @Test
    void aShortTextIsOneWindow() {
        String text = "Rufen Sie 030 23125000 an.\nDanke";
        assertThat(PhoneDetector.windows(text))
                .containsExactly(new Window(0, text.length(), 0, text.length()));
        assertThat(PhoneDetector.windows("")).isEmpty();
    }

    @Test
    void aLineLongerThanAWindowIsCutAfterWhitespaceAndReadWithOverlap() {
        String longLine = words(3 * W + 100);
        String text = "Betreff\n" + longLine + "\nDanke\n";
        List<Window> windows = PhoneDetector.windows(text);
        assertPartition(text, windows);
        assertThat(windows.get(0)).isEqualTo(new Window(0, 8, 0, 8));
        assertThat(windows.get(windows.size() - 1).ownStart()).isEqualTo(8 + longLine.length() + 1);
        List<Window> pieces = windows.subList(1, windows.size() - 1);
        assertThat(pieces).hasSize(4);
        for (int k = 0; k < pieces.size(); k++) {
            Window p = pieces.get(k);
            assertThat(p.ownEnd() - p.ownStart()).isLessThanOrEqualTo(W);
            assertThat(p.start()).isEqualTo(Math.max(8, p.ownStart() - PhoneDetector.OVERLAP));
            assertThat(p.end())
                    .isEqualTo(
                            Math.min(
                                    8 + longLine.length() + 1, p.ownEnd() + PhoneDetector.OVERLAP));
            if (k < pieces.size() - 1) {
                assertThat(p.ownEnd() - p.ownStart()).isGreaterThan(3 * W / 4);
                assertThat(text.charAt(p.ownEnd() - 1)).as("cut after a space").isEqualTo(' ');
            }
        }
    }

    @Test
    void aLineWithoutWhitespaceIsCutAtTheWindowButNotInsideASurrogatePair() {
        String text = "7".repeat(W - 1) + "😀" + "7".repeat(W);
        List<Window> windows = PhoneDetector.windows(text);
        assertPartition(text, windows);
        assertThat(windows.get(0).ownEnd()).isEqualTo(W - 1);
        assertThat(PhoneDetector.windows("8".repeat(3 * W)))
                .extracting(Window::ownStart)
                .containsExactly(0, W, 2 * W);
    }

    @Test
    void windowsAndTheirBudgetsAreLinearInTheText() {
        List<String> texts = new ArrayList<>();
        for (int kb : List.of(1, 64, 1024)) {
            int n = kb * 1024;
            texts.add(repeat("1 2-3 (4) 5.6 ", n));
            texts.add(repeat("1 2-3 (4) 5.6\n", n));
            texts.add(repeat("2026-11-03 14a ", n));
            texts.add(repeat("2026-11-03 14a\n", n));
            texts.add(repeat("x".repeat(W / 2) + "\n", n));
            texts.add(repeat("x\n" + "y".repeat(W + 1) + "\n", n));
            texts.add(repeat("\n", n));
            texts.add(repeat("7", n));
            texts.add(ordinaryText(kb));
        }
        for (String text : texts) {
            long n = text.length();
            List<Window> windows = PhoneDetector.windows(text);
            assertPartition(text, windows);
            // one findNumbers call per window and region, each bounded by the window's budget
            assertThat((long) windows.size()).isLessThanOrEqualTo(6 * n / W + 1);
            long tries = 0;
            for (Window w : windows) {
                assertThat(w.end() - w.start()).isLessThanOrEqualTo(W + 2 * PhoneDetector.OVERLAP);
                tries += PhoneDetector.maxTries(w.end() - w.start());
            }
            assertThat(tries)
                    .isLessThanOrEqualTo(
                            PhoneDetector.MIN_TRIES * (6 * n / W + 1)
                                    + (n + 2L * PhoneDetector.OVERLAP * windows.size())
                                            / PhoneDetector.CHARS_PER_TRY);
        }
        // a long text is read in about one window per WINDOW characters
        assertThat(PhoneDetector.windows(repeat("1 2-3 (4) 5.6 ", 1024 * 1024)))
                .hasSizeBetween(256, 1024 * 1024 / (3 * W / 4) + 1);
    }

    @Test
    void numbersAfter200KbOfDigitsAndSeparatorsAreFoundInEveryRegion() {
        assertNumbersOfEveryRegionFoundAfter(repeat("1 2-3 (4) 5.6 ", 200 * 1024));
    }

    @Test
    void numbersAfter200KbOfTimeStampsAreFoundInEveryRegion() {
        assertNumbersOfEveryRegionFoundAfter(repeat("2026-11-03 14a ", 200 * 1024));
    }

    @Test
    void junkLinesHideNothingMoreThanAWindowAfterThem() {
        // a pasted log: 200 KB of lines of junk, a window of ordinary lines, then the message; the
        // message's window (at most WINDOW characters of whole lines) holds no junk
        String junk = repeat("1 2-3 (4) 5.6 2026-11-03 14a 7 8 9\n", 200 * 1024);
        String text = junk + ordinaryText(4) + "Bitte rufen Sie 030 23125000 an.";
        List<Finding> found = new PhoneDetector().detect(text);
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+493023125000");
        assertThat(text.substring(found.get(0).start(), found.get(0).end()))
                .isEqualTo("030 23125000");
    }

    @Test
    void aNumberAcrossACutIsFoundOnceWithItsOffsets() {
        PhoneDetector detector = new PhoneDetector();
        for (String number : List.of("030 23125000", "+49 30 23125000", "0049 (0)30 231-250-00")) {
            int straddling = 0;
            for (int shift = -40; shift <= 40; shift++) {
                // one long line of words, the number placed around the first cut
                String before = words(W + 2000);
                int cut = PhoneDetector.windows(before + "\n").get(0).ownEnd();
                int at = cut + shift;
                // keep the words whole: put the number after the space nearest to `at`
                int space = before.lastIndexOf(' ', at);
                String text =
                        before.substring(0, space + 1) + number + " " + before.substring(space + 1);
                int start = space + 1;
                int end = start + number.length();
                if (PhoneDetector.windows(text).stream()
                        .anyMatch(w -> w.ownEnd() > start && w.ownEnd() < end)) {
                    straddling++;
                }
                List<Finding> found = detector.detect(text);
                assertThat(found).as(number + " at " + start).hasSize(1);
                assertThat(found.get(0).start()).isEqualTo(start);
                assertThat(found.get(0).end()).isEqualTo(end);
                assertThat(found.get(0).normalizedValue()).isEqualTo("+493023125000");
            }
            assertThat(straddling).as(number + " cut in two").isPositive();
        }
    }

    @Test
    void aNumberCutInTwoIsFoundOnceByTheWindowItStartsIn() {
        // the last whitespace before the window's end is inside the number
        String pad = repeat("ab-", W - 5);
        String text = pad + " +49 30 23125000 " + repeat("cd-", W);
        List<Window> windows = PhoneDetector.windows(text);
        int start = pad.length() + 1;
        assertThat(windows.get(0).ownEnd()).isBetween(start, start + 15);
        List<Finding> found = new PhoneDetector().detect(text);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).start()).isEqualTo(start);
        assertThat(found.get(0).end()).isEqualTo(start + "+49 30 23125000".length());
    }

    @Test
    void ordinaryTextIsReadAsTheWholeTextWouldBe() {
        SplittableRandom random = new SplittableRandom(7);
        PhoneDetector detector = new PhoneDetector();
        for (int round = 0; round < 3; round++) {
            StringBuilder s = new StringBuilder();
            while (s.length() < 12 * W) {
                int kind = random.nextInt(8);
                if (kind == 0) {
                    s.append(ordinaryLine(random));
                } else if (kind == 1) {
                    String region =
                            PhoneDetector.DEFAULT_REGIONS.get(
                                    random.nextInt(PhoneDetector.DEFAULT_REGIONS.size()));
                    PhoneNumber example = UTIL.getExampleNumber(region);
                    PhoneNumberFormat format =
                            random.nextBoolean()
                                    ? PhoneNumberFormat.NATIONAL
                                    : PhoneNumberFormat.INTERNATIONAL;
                    s.append("Tel. ").append(UTIL.format(example, format));
                } else {
                    s.append(words(20 + random.nextInt(120)));
                }
                s.append(random.nextInt(3) == 0 ? "\n\n" : "\n");
            }
            String text = s.toString();
            Window whole = new Window(0, text.length(), 0, text.length());
            assertThat(PhoneDetector.windows(text).size()).isGreaterThan(10);
            List<Finding> windowed = detector.detect(text);
            assertThat(windowed)
                    .hasSizeGreaterThan(30)
                    // as with no bound at all
                    .isEqualTo(detector.detect(text, List.of(whole), false))
                    // as with one bound for the whole text
                    .isEqualTo(detector.detect(text, List.of(whole), true));
        }
    }

    /**
     * After {@code junk} (one long line), a line per default region with its example number written
     * nationally: each is found at its offsets, by a detector of that region alone and by one of
     * all default regions.
     */
    private static void assertNumbersOfEveryRegionFoundAfter(String junk) {
        StringBuilder s = new StringBuilder(junk).append('\n');
        Map<String, int[]> spans = new java.util.LinkedHashMap<>();
        Map<String, String> e164s = new java.util.LinkedHashMap<>();
        for (String region : PhoneDetector.DEFAULT_REGIONS) {
            PhoneNumber example = UTIL.getExampleNumber(region);
            String national = UTIL.format(example, PhoneNumberFormat.NATIONAL);
            s.append("Kontakt in ").append(region).append(": ");
            spans.put(region, new int[] {s.length(), s.length() + national.length()});
            e164s.put(region, UTIL.format(example, PhoneNumberFormat.E164));
            s.append(national).append(", danke.\n");
        }
        String text = s.toString();
        List<Finding> all = new PhoneDetector().detect(text);
        for (String region : PhoneDetector.DEFAULT_REGIONS) {
            int[] span = spans.get(region);
            List<Finding> alone = new PhoneDetector(List.of(region)).detect(text);
            assertThat(alone)
                    .as(region)
                    .anySatisfy(
                            f -> {
                                assertThat(f.start()).isEqualTo(span[0]);
                                assertThat(f.end()).isEqualTo(span[1]);
                                assertThat(f.normalizedValue()).isEqualTo(e164s.get(region));
                            });
            assertThat(all)
                    .as(region + " among the default regions")
                    .anySatisfy(
                            f -> {
                                assertThat(f.start()).isEqualTo(span[0]);
                                assertThat(f.end()).isEqualTo(span[1]);
                            });
        }
    }

    /** Own parts follow each other from 0 to the end; each window holds its own part. */
    private static void assertPartition(String text, List<Window> windows) {
        int at = 0;
        for (Window w : windows) {
            assertThat(w.ownStart()).isEqualTo(at);
            assertThat(w.ownEnd()).isGreaterThan(w.ownStart());
            assertThat(w.start()).isBetween(0, w.ownStart());
            assertThat(w.end()).isBetween(w.ownEnd(), text.length());
            at = w.ownEnd();
        }
        assertThat(at).isEqualTo(text.length());
    }

    /** Lines of a ticket: order numbers, dates, times and amounts, none of them a phone number. */
    private static String ordinaryText(int kb) {
        SplittableRandom random = new SplittableRandom(kb);
        StringBuilder s = new StringBuilder();
        while (s.length() < kb * 1024) {
            s.append(ordinaryLine(random)).append('\n');
        }
        return s.toString();
    }

    private static String ordinaryLine(SplittableRandom random) {
        int k = random.nextInt(28);
        return "Order "
                + (40_000 + 37 * random.nextInt(1000))
                + " of "
                + (1 + k)
                + ".11.2026 at 14:"
                + (10 + k)
                + " was charged "
                + (20 + k)
                + ",99 EUR, and I still have not received the parcel.";
    }

    /** Words without digits, separated by single spaces, about {@code length} characters. */
    private static String words(int length) {
        String[] w = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing"};
        StringBuilder s = new StringBuilder();
        for (int k = 0; s.length() < length; k++) {
            s.append(w[k % w.length]).append(' ');
        }
        return s.toString();
    }

    @Test
    void anInterruptedScanStopsAtTheNextWindowSoACancelledTaskCanExit() {
        String text = ("call +49 30 1234567 " + "x".repeat(W)).repeat(4);
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new PhoneDetector().detect(text))
                    .isInstanceOf(java.util.concurrent.CancellationException.class);
        } finally {
            Thread.interrupted(); // clears the flag for the next test
        }
        assertThat(new PhoneDetector().detect(text)).isNotEmpty();
    }
}
