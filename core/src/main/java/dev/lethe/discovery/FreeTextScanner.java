package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs every detector over a text and keeps one finding per stretch of text: where findings
 * overlap, the more specific kind wins (email, then IBAN, payment card, phone, social handle,
 * name), so the digits of an IBAN are not also a phone number and the name inside an address is not
 * also a name.
 *
 * <p>Not thread-safe as long as its {@link KnownSubjectNames} is being fed.
 */
public final class FreeTextScanner {

    private final List<PiiDetector> detectors;

    /** The standard detectors, with {@code names} as the dictionary of known subjects. */
    public FreeTextScanner(List<String> phoneRegions, KnownSubjectNames names) {
        this(
                List.of(
                        new EmailDetector(),
                        new IbanDetector(),
                        new PaymentCardDetector(),
                        new PhoneDetector(phoneRegions),
                        new SocialHandleDetector(),
                        names));
    }

    /**
     * As {@link #FreeTextScanner(List, KnownSubjectNames)}, the phone detector also keeping a
     * number valid in no region of the writer's when a reading of it is one {@code knownNumbers}
     * knows ({@link PhoneDetector#knowing}).
     */
    public FreeTextScanner(
            List<String> phoneRegions,
            KnownSubjectNames names,
            java.util.function.Predicate<String> knownNumbers) {
        this(
                List.of(
                        new EmailDetector(),
                        new IbanDetector(),
                        new PaymentCardDetector(),
                        new PhoneDetector(phoneRegions).knowing(knownNumbers),
                        new SocialHandleDetector(),
                        names));
    }

    /**
     * Detectors in priority order: an earlier detector's finding beats an overlapping later one.
     */
    public FreeTextScanner(List<PiiDetector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /**
     * The findings in {@code text}, ordered by start, none overlapping another. The findings kept
     * so far never overlap each other, so whether a new one overlaps any of them is one look-up in
     * a tree keyed by start: only the kept finding starting last before the new one's end can
     * overlap it. That makes a scan O(f log f) in the f findings, not O(f²).
     */
    public List<Finding> scan(String text) {
        return scan(text, List.of());
    }

    /**
     * As {@link #scan(String)}, for a text written by someone living in {@code writerRegions} (ISO
     * 3166 regions, likeliest first; may be empty): nationally written phone numbers are read in
     * those regions first, the configured ones last ({@link PiiDetector#detect(String, List)}).
     */
    public List<Finding> scan(String text, List<String> writerRegions) {
        if (text == null || text.isBlank()) {
            return new ArrayList<>();
        }
        List<List<Finding>> byDetector = new ArrayList<>(detectors.size());
        for (PiiDetector detector : detectors) {
            byDetector.add(detector.detect(text, writerRegions));
        }
        return resolve(byDetector);
    }

    /**
     * The findings of detectors in priority order, each list in its detector's order, reduced to
     * those no earlier finding (a higher-priority detector's, or an earlier one of the same
     * detector) overlaps; ordered by start.
     */
    static List<Finding> resolve(List<List<Finding>> byDetector) {
        TreeMap<Integer, Finding> kept = new TreeMap<>();
        for (List<Finding> findings : byDetector) {
            for (Finding f : findings) {
                Map.Entry<Integer, Finding> before = kept.lowerEntry(f.end());
                if (before == null || before.getValue().end() <= f.start()) {
                    kept.put(f.start(), f);
                }
            }
        }
        return new ArrayList<>(kept.values());
    }
}
