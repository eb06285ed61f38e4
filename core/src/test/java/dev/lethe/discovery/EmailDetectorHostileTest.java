package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Long hostile runs do not overflow the regex's stack, and on ordinary lengths the detector finds
 * exactly what its unbounded, backtracking pattern found.
 */
class EmailDetectorHostileTest {

    /** The pattern before the local part was possessive and the domain's labels bounded. */
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    private static final Pattern BEFORE =
            Pattern.compile(
                    "(?<![A-Za-z0-9._%+\\-])"
                            + "[A-Za-z0-9_%+\\-]+(?:\\.[A-Za-z0-9_%+\\-]+)*"
                            + "@"
                            + "(?:"
                            + LABEL
                            + "\\.)+[A-Za-z]{2,24}"
                            + "(?![A-Za-z0-9\\-]|\\.[A-Za-z0-9])");

    private static final String ALPHABET = "aaabZ09..@@-_+% \n%xy";

    private final EmailDetector detector = new EmailDetector();

    @Test
    void aLongDottedLocalPartOrDomainIsNoStackOverflow() {
        String dots = "a.".repeat(64 * 1024);
        List<Finding> found = detector.detect(dots + " write to anna@gmx.de.");
        assertThat(found)
                .singleElement()
                .satisfies(f -> assertThat(f.normalizedValue()).isEqualTo("anna@gmx.de"));

        // more labels than a host name can have: no address, and no error
        assertThat(detector.detect("x@" + dots + "de")).isEmpty();
        assertThat(detector.detect("x@" + "a.".repeat(126) + "de")).hasSize(1);
        assertThat(EmailDetector.isEmail("anna." + dots + "x@gmx.de")).isTrue();
    }

    @Property(tries = 2000)
    void findsWhatTheBacktrackingPatternFound(@ForAll long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(60);
        for (int k = 0; k < length; k++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            if (random.nextInt(12) == 0) {
                text.append("anna.b@gmx.de");
            }
        }
        List<String> before = new ArrayList<>();
        Matcher m = BEFORE.matcher(text);
        while (m.find()) {
            before.add(m.start() + ".." + m.end());
        }
        List<String> now = new ArrayList<>();
        for (Finding f : detector.detect(text.toString())) {
            now.add(f.start() + ".." + f.end());
        }
        assertThat(now).as("%s", text).isEqualTo(before);
    }
}
