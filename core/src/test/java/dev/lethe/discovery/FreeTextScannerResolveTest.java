package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The scanner's overlap resolution keeps exactly what the quadratic check it replaced kept (every
 * finding against every finding kept so far), on random findings of several detectors.
 */
class FreeTextScannerResolveTest {

    private static final PiiKind[] KINDS = PiiKind.values();

    @Property(tries = 500)
    void keepsWhatTheQuadraticCheckKept(@ForAll long seed) {
        Random random = new Random(seed);
        int detectors = 1 + random.nextInt(6);
        int textLength = 1 + random.nextInt(random.nextBoolean() ? 40 : 400);
        List<List<Finding>> byDetector = new ArrayList<>();
        for (int d = 0; d < detectors; d++) {
            List<Finding> findings = new ArrayList<>();
            int count = random.nextInt(random.nextBoolean() ? 5 : 60);
            for (int k = 0; k < count; k++) {
                int start = random.nextInt(textLength);
                int end = start + 1 + random.nextInt(random.nextBoolean() ? 3 : 30);
                findings.add(finding("d" + d, start, end, k));
            }
            if (random.nextBoolean()) {
                // as detectors report them: in order of start (overlaps within one detector stay)
                findings.sort(Comparator.comparingInt(Finding::start));
            }
            byDetector.add(findings);
        }
        assertThat(FreeTextScanner.resolve(byDetector)).isEqualTo(quadratic(byDetector));
    }

    @Test
    void anEarlierDetectorWinsAndTouchingFindingsBothStay() {
        Finding iban = finding("iban", 10, 32, 0);
        Finding phone = finding("phone", 14, 24, 0);
        Finding before = finding("phone", 5, 10, 1);
        Finding after = finding("name", 32, 40, 0);
        assertThat(
                        FreeTextScanner.resolve(
                                List.of(List.of(iban), List.of(phone, before), List.of(after))))
                .containsExactly(before, iban, after);
    }

    /** The scan as it was: each finding checked against every finding kept before it. */
    private static List<Finding> quadratic(List<List<Finding>> byDetector) {
        List<Finding> kept = new ArrayList<>();
        for (List<Finding> findings : byDetector) {
            for (Finding f : findings) {
                if (kept.stream().noneMatch(f::overlaps)) {
                    kept.add(f);
                }
            }
        }
        kept.sort(Comparator.comparingInt(Finding::start));
        return kept;
    }

    private static Finding finding(String detector, int start, int end, int k) {
        return new Finding(
                detector,
                KINDS[Math.floorMod(detector.hashCode() + k, KINDS.length)],
                start,
                end,
                "v" + k,
                0.5,
                "r" + k);
    }
}
