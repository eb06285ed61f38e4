package dev.lethe.discovery;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The countries a text names, in the helpdesk's languages: {@code Frankreich}, {@code en España},
 * {@code na Slovensku} / {@code slovenské}, {@code 일본 번호}. A nationally written phone number right
 * after or before such a name is read in that country first ({@link PhoneDetector}): a writer
 * quotes a relative's or a hotel's number abroad in that country's own format.
 *
 * <p>The names are the JDK's (CLDR) names of every region libphonenumber knows, in each of {@link
 * #LANGUAGES}. In scripts written with spaces a name matches at the start of a word, whole, or as a
 * stem (the name without its last letter, at least {@value #MIN_STEM} letters) that the word goes
 * on from, for inflected forms and adjectives ({@code Francji}, {@code Slovensku}, {@code
 * español}); in scripts without spaces (Han, kana, Hangul, Thai) anywhere. A name that is the name
 * of two regions is left out. Pure; never logs.
 */
final class CountryMentions {

    /** A country named in a text: its region and where its name is. */
    record Mention(String region, int start, int end) {}

    /** The languages the names are looked for in (the helpdesk's, and their neighbours'). */
    static final List<String> LANGUAGES =
            List.of(
                    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sv", "da", "nb",
                    "fi", "hu", "ro", "tr", "ru", "uk", "el", "ar", "he", "ja", "zh", "ko");

    /** The fewest letters a stem has. */
    static final int MIN_STEM = 6;

    private record Name(String text, String region, boolean stem, boolean spaced) {}

    /** Lower-cased first character -> the names starting with it. */
    private static final Map<Character, List<Name>> BY_FIRST = names();

    private CountryMentions() {}

    /** The countries {@code text} names, in text order. */
    static List<Mention> in(String text) {
        List<Mention> found = new ArrayList<>();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            List<Name> names = BY_FIRST.get(Character.toLowerCase(text.charAt(i)));
            if (names == null) {
                continue;
            }
            boolean wordStart = i == 0 || !WordSpacing.isWordChar(text.charAt(i - 1));
            Mention best = null;
            for (Name name : names) {
                if (name.spaced() && !wordStart) {
                    continue;
                }
                int len = name.text().length();
                if (!text.regionMatches(true, i, name.text(), 0, len)) {
                    continue;
                }
                int end = i + len;
                if (name.spaced()) {
                    boolean wordEnds = end == n || !WordSpacing.isWordChar(text.charAt(end));
                    if (!name.stem() && !wordEnds) {
                        continue;
                    }
                    while (end < n && WordSpacing.isWordChar(text.charAt(end))) {
                        end++;
                    }
                }
                if (best == null || end > best.end()) {
                    best = new Mention(name.region(), i, end);
                }
            }
            if (best != null) {
                found.add(best);
                i = best.end() - 1;
            }
        }
        return found;
    }

    private static Map<Character, List<Name>> names() {
        // name (lower case) -> region, or "" when two regions have it
        Map<String, String> regionOf = new HashMap<>();
        for (String region : PhoneNumberUtil.getInstance().getSupportedRegions()) {
            Locale country = new Locale.Builder().setRegion(region).build();
            for (String language : LANGUAGES) {
                String name = country.getDisplayCountry(Locale.forLanguageTag(language));
                if (name.isBlank() || name.equals(region)) {
                    continue;
                }
                String key = name.toLowerCase(Locale.ROOT);
                String known = regionOf.putIfAbsent(key, region);
                if (known != null && !known.equals(region)) {
                    regionOf.put(key, "");
                }
            }
        }
        Map<String, Name> names = new HashMap<>();
        Map<String, String> stems = new HashMap<>();
        regionOf.forEach(
                (name, region) -> {
                    if (region.isEmpty()) {
                        return;
                    }
                    boolean spaced = WordSpacing.spaced(name);
                    names.put(name, new Name(name, region, false, spaced));
                    if (spaced && name.indexOf(' ') < 0 && name.length() > MIN_STEM) {
                        String stem = name.substring(0, name.length() - 1);
                        String known = stems.putIfAbsent(stem, region);
                        if (known != null && !known.equals(region)) {
                            stems.put(stem, "");
                        }
                    }
                });
        stems.forEach(
                (stem, region) -> {
                    String whole = regionOf.get(stem);
                    if (!region.isEmpty() && (whole == null || whole.equals(region))) {
                        names.putIfAbsent(stem, new Name(stem, region, true, true));
                    }
                });
        Map<Character, List<Name>> byFirst = new HashMap<>();
        for (Name name : names.values()) {
            byFirst.computeIfAbsent(name.text().charAt(0), c -> new ArrayList<>()).add(name);
        }
        return byFirst;
    }
}
