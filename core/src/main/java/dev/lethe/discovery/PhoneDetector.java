package dev.lethe.discovery;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Phone numbers, found with libphonenumber's {@link PhoneNumberUtil#findNumbers} at leniency {@link
 * Leniency#VALID} (the number must be a valid number of its region, not just plausible) and
 * normalized to E.164.
 *
 * <p>A number written internationally ({@code +49 30 1234567}, {@code 0049...}) carries its
 * country. A number written nationally ({@code 030 1234567}) does not: it is read in each of the
 * detector's default regions in order, and the first region where it is valid wins. The confidence
 * says how certain that is: high for an international number, lower when the national number is
 * valid in more than one region with different E.164 values.
 *
 * <p>Each region's pass gives up after {@link #maxTries(int)} failed candidates (libphonenumber's
 * own bound for degenerate text): a text that is mostly digits and separators ({@code 1 2-3 (4) 5.6
 * ...}) makes every stretch a candidate that fails to parse and is retried piece by piece, ten
 * regions over. Ordinary text uses a small fraction of the bound (see {@link #CHARS_PER_TRY}), so
 * what is found in it does not change; in a degenerate text the numbers past the bound are not
 * looked for.
 */
public final class PhoneDetector implements PiiDetector {

    public static final String NAME = "phone";

    /** The countries the helpdesk serves, most contacts first: DE, FR, GB, PL, ES, IT, JP, ... */
    public static final List<String> DEFAULT_REGIONS =
            List.of("DE", "FR", "GB", "PL", "ES", "IT", "JP", "AT", "CZ", "SE");

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /**
     * Failed candidates allowed per region in any text, however short. The 300 generated tickets of
     * {@code ./lethe bench scanner} need at most 15 in a region (the fewest with which a region's
     * findings stay the same).
     */
    static final long MIN_TRIES = 64;

    /**
     * One more failed candidate allowed per region for every this many characters. Ordinary tickets
     * need one per ≈ 330 characters on average (at most one per 25 in a short ticket, which {@link
     * #MIN_TRIES} covers); text that is all digits and separators fails one per ≈ 2 characters, so
     * it is scanned up to about an eighth of its length, at about an eighth of the cost.
     */
    static final int CHARS_PER_TRY = 16;

    private final List<String> regions;

    /** Reads national numbers in {@link #DEFAULT_REGIONS}. */
    public PhoneDetector() {
        this(DEFAULT_REGIONS);
    }

    /**
     * @param regions ISO 3166 regions to read nationally written numbers in, preferred first
     */
    public PhoneDetector(List<String> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one default region is needed");
        }
        for (String r : regions) {
            if (!UTIL.getSupportedRegions().contains(r)) {
                throw new IllegalArgumentException("not a region libphonenumber knows: " + r);
            }
        }
        this.regions = List.copyOf(regions);
    }

    @Override
    public String name() {
        return NAME;
    }

    private record Candidate(String region, String e164, boolean international) {}

    @Override
    public List<Finding> detect(String text) {
        List<Finding> found = new ArrayList<>();
        if (text == null || !hasDigits(text)) {
            return found;
        }
        // span -> the readings of that span, in region order
        Map<Long, List<Candidate>> bySpan = new LinkedHashMap<>();
        long tries = maxTries(text.length());
        for (String region : regions) {
            for (PhoneNumberMatch m : UTIL.findNumbers(text, region, Leniency.VALID, tries)) {
                long span = ((long) m.start() << 32) | m.end();
                String raw = m.rawString();
                boolean international =
                        raw.startsWith("+") || raw.startsWith("00") || raw.startsWith("＋");
                bySpan.computeIfAbsent(span, k -> new ArrayList<>())
                        .add(new Candidate(region, e164(m.number()), international));
            }
        }
        bySpan.forEach(
                (span, candidates) -> {
                    int start = (int) (span >>> 32);
                    int end = (int) (long) span;
                    Candidate first = candidates.get(0);
                    long distinct = candidates.stream().map(Candidate::e164).distinct().count();
                    double confidence;
                    String reason;
                    if (first.international()) {
                        confidence = 0.95;
                        reason =
                                "valid number written with its country code (libphonenumber VALID)";
                    } else if (distinct == 1) {
                        confidence = 0.85;
                        reason =
                                "valid national number of "
                                        + first.region()
                                        + " (libphonenumber VALID), no other reading";
                    } else {
                        confidence = 0.6;
                        reason =
                                "valid national number, read as "
                                        + first.region()
                                        + " of "
                                        + distinct
                                        + " possible regions";
                    }
                    found.add(
                            new Finding(
                                    NAME,
                                    PiiKind.PHONE,
                                    start,
                                    end,
                                    first.e164(),
                                    confidence,
                                    reason));
                });
        found.sort(java.util.Comparator.comparingInt(Finding::start));
        // libphonenumber may report overlapping spans for different regions: keep the longest
        List<Finding> kept = new ArrayList<>();
        for (Finding f : found) {
            if (!kept.isEmpty() && kept.get(kept.size() - 1).overlaps(f)) {
                Finding last = kept.get(kept.size() - 1);
                if (f.length() > last.length()
                        || (f.length() == last.length() && f.confidence() > last.confidence())) {
                    kept.set(kept.size() - 1, f);
                }
                continue;
            }
            kept.add(f);
        }
        return kept;
    }

    /**
     * The failed candidates (parse attempts that yield no valid number, libphonenumber's {@code
     * maxTries}) one region's pass may make in a text of {@code textLength} characters before it
     * gives up: linear in the length, so a pass costs at most a bounded number of parses per
     * character whatever the text.
     */
    static long maxTries(int textLength) {
        return MIN_TRIES + textLength / CHARS_PER_TRY;
    }

    /**
     * A phone number as written somewhere (a contact's phone column, a CLI argument) in E.164, read
     * in {@code defaultRegion} if it has no country code; empty if it is not a valid number.
     */
    public static Optional<String> normalize(String written, String defaultRegion) {
        if (written == null || written.isBlank()) {
            return Optional.empty();
        }
        try {
            PhoneNumber n = UTIL.parse(written, defaultRegion.toUpperCase(Locale.ROOT));
            return UTIL.isValidNumber(n) ? Optional.of(e164(n)) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * As {@link #normalize(String, String)}, trying {@code regions} in order for a number without
     * country code.
     */
    public static Optional<String> normalize(String written, List<String> regions) {
        for (String region : regions) {
            Optional<String> n = normalize(written, region);
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }

    private static String e164(PhoneNumber number) {
        return UTIL.format(number, PhoneNumberFormat.E164);
    }

    private static boolean hasDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
