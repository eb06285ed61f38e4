package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
     * Detectors in priority order: an earlier detector's finding beats an overlapping later one.
     */
    public FreeTextScanner(List<PiiDetector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** The findings in {@code text}, ordered by start, none overlapping another. */
    public List<Finding> scan(String text) {
        List<Finding> kept = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return kept;
        }
        for (PiiDetector detector : detectors) {
            for (Finding f : detector.detect(text)) {
                if (kept.stream().noneMatch(f::overlaps)) {
                    kept.add(f);
                }
            }
        }
        kept.sort(Comparator.comparingInt(Finding::start));
        return kept;
    }
}
