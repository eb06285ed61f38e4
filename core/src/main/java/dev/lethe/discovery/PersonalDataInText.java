package dev.lethe.discovery;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps personal data out of text that Lethe records for good, such as the reason an operator gives
 * for an export or an erasure (kept in the audit log and the erasure register, which are never
 * erased). The discovery detectors for identifiers (email, phone, IBAN, payment card, social
 * handle) look at the text; names cannot be told from other words without a dictionary and are not
 * checked.
 */
public final class PersonalDataInText {

    private static final FreeTextScanner SCANNER =
            new FreeTextScanner(
                    List.of(
                            new EmailDetector(),
                            new IbanDetector(),
                            new PaymentCardDetector(),
                            new PhoneDetector(),
                            new SocialHandleDetector()));

    /** What replaces recorded text that holds an identifier. */
    public static final String WITHHELD = "(withheld: held personal data)";

    private PersonalDataInText() {}

    /**
     * An id as recorded for good (an actor's id): ids are numbers, component names or request ids,
     * where a phone detector would take a long number for a phone, so only an id holding {@code @}
     * (an email or handle) is withheld.
     */
    public static String idOrWithheld(String id) {
        return id != null && id.indexOf('@') >= 0 ? WITHHELD : id;
    }

    /** Free text as recorded for good (a reason): withheld when it holds an identifier. */
    public static String textOrWithheld(String text) {
        return kinds(text).isEmpty() ? text : WITHHELD;
    }

    /** The kinds of identifier found in {@code text} (empty for null or blank text). */
    public static Set<PiiKind> kinds(String text) {
        Set<PiiKind> kinds = EnumSet.noneOf(PiiKind.class);
        if (text == null || text.isBlank()) {
            return kinds;
        }
        for (Finding f : SCANNER.scan(text)) {
            kinds.add(f.kind());
        }
        return kinds;
    }

    /**
     * Refuses {@code text} given as {@code option} when it holds an identifier; the message names
     * what kind was found, never the text.
     *
     * @throws IllegalArgumentException saying what to fix
     */
    public static void requireNone(String option, String text) {
        Set<PiiKind> found = kinds(text);
        if (!found.isEmpty()) {
            throw new IllegalArgumentException(
                    option
                            + " looks like it holds personal data ("
                            + found.stream()
                                    .map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                                    .collect(Collectors.joining(", "))
                            + "); it is kept for good, so refer to the person by subject id and to"
                            + " the request by its reference instead");
        }
    }
}
