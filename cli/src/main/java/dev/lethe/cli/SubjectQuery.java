package dev.lethe.cli;

import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.NameFolding;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SocialHandleDetector;
import dev.lethe.keys.SubjectIds;
import java.util.List;
import java.util.Optional;

/**
 * What a DPO typed to find a person: a subject id ({@code contact:42}), an email address, a phone
 * number (any common format, read in the helpdesk's countries if it has no country code), a social
 * handle ({@code @anna_m}) or a name.
 *
 * @param kind what the text is
 * @param value its normalized form: the subject id, lower-case email or handle, E.164 phone, or the
 *     {@link NameFolding#foldName folded} name
 */
public record SubjectQuery(Kind kind, String value) {

    /** What a query is. */
    public enum Kind {
        SUBJECT,
        EMAIL,
        PHONE,
        HANDLE,
        NAME
    }

    /**
     * Reads a query.
     *
     * @throws IllegalArgumentException for a blank query
     */
    public static SubjectQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(
                    "give an email, a phone number, a name or a subject id");
        }
        String q = text.strip();
        if (SubjectIds.isValid(q) && !q.contains("@")) {
            return new SubjectQuery(Kind.SUBJECT, q);
        }
        if (EmailDetector.isEmail(q)) {
            return new SubjectQuery(Kind.EMAIL, EmailDetector.normalize(q));
        }
        if (q.startsWith("@") && q.length() > 1 && q.substring(1).matches("[A-Za-z0-9_]{1,15}")) {
            return new SubjectQuery(Kind.HANDLE, SocialHandleDetector.normalize(q));
        }
        long digits = q.chars().filter(Character::isDigit).count();
        boolean letters = q.chars().anyMatch(Character::isLetter);
        if (digits >= 6 && !letters) {
            Optional<String> phone = PhoneDetector.normalize(q, PhoneDetector.DEFAULT_REGIONS);
            if (phone.isPresent()) {
                return new SubjectQuery(Kind.PHONE, phone.get());
            }
            throw new IllegalArgumentException(
                    "'"
                            + q
                            + "' looks like a phone number but is not a valid one in "
                            + PhoneDetector.DEFAULT_REGIONS
                            + "; write it with its country code");
        }
        return new SubjectQuery(Kind.NAME, NameFolding.foldName(q));
    }

    /** For a name: its words. */
    public List<String> words() {
        return List.of(value.split(" "));
    }

    /** The index's kind code for an identifier query. */
    String indexKind() {
        switch (kind) {
            case EMAIL:
                return "email";
            case PHONE:
                return "phone";
            case HANDLE:
                return "handle";
            default:
                return "name";
        }
    }
}
