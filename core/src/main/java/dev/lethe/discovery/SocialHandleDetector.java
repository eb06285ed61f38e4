package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Social media handles written {@code @name} (Twitter/X rules: 1 to 15 letters, digits or
 * underscores).
 *
 * <p>To keep email addresses out: the {@code @} must not follow a character that can end an email's
 * local part (a letter, digit, {@code . _ % + -}), and the handle must not be followed by a dot and
 * a letter or digit (then it is a domain, as in {@code @gmx.de}) nor by another handle character.
 * Normalized to lower case with its {@code @}.
 */
public final class SocialHandleDetector implements PiiDetector {

    public static final String NAME = "social_handle";

    private static final Pattern HANDLE =
            Pattern.compile(
                    "(?<![\\p{L}\\p{N}._%+\\-@])@([A-Za-z0-9_]{1,15})"
                            + "(?![A-Za-z0-9_@]|\\.[\\p{L}\\p{N}])");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> detect(String text) {
        List<Finding> found = new ArrayList<>();
        if (text == null || text.indexOf('@') < 0) {
            return found;
        }
        Matcher m = HANDLE.matcher(text);
        while (m.find()) {
            String handle = m.group(1);
            boolean digitsOnly = handle.chars().allMatch(Character::isDigit);
            if (digitsOnly) {
                continue; // "@10" is a price or a time, not a handle
            }
            found.add(
                    new Finding(
                            NAME,
                            PiiKind.SOCIAL_HANDLE,
                            m.start(),
                            m.end(),
                            normalize(m.group()),
                            0.8,
                            "@ followed by "
                                    + handle.length()
                                    + " handle characters, not part of an email address"));
        }
        return found;
    }

    /** Lower case, with a leading {@code @} (added if missing). */
    public static String normalize(String handle) {
        String h = handle.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("@") ? h : "@" + h;
    }
}
