package dev.lethe.bench;

import dev.lethe.discovery.FullNameKeys;
import dev.lethe.discovery.LocationDocument;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A deterministic population of location documents shaped like the discovery job's: per person
 * {@value #PER_SUBJECT} documents, their contact row (first and family name, each with the
 * full-name keys, email, phone, handle, declared), a ticket of theirs (the reference and two
 * findings in its description) and a comment under it (a name finding nobody is attributed to, a
 * phone finding attributed to them). Person {@code n} is {@code contact:<FIRST_ID + n>}; document
 * {@code i} belongs to person {@code i / PER_SUBJECT}, so any range of document numbers can be
 * generated anywhere (the raw loader, a Flink source) and yields the same documents.
 */
final class BenchLocations implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Documents per person. */
    static final int PER_SUBJECT = 10;

    /** Subject ids start here, well above the helpdesk's own rows. */
    static final long FIRST_ID = 10_000_000L;

    private static final String[] FIRST = {
        "Anna", "Lukas", "Marie", "Jonas", "Sofia", "Elias", "Lena", "Noah", "Emma", "Paul",
        "Chloé", "Louis", "Inès", "Hugo", "Léa", "Giulia", "Marco", "Chiara", "Luca", "Sara",
        "Lucía", "Mateo", "Paula", "Hugo", "Nora", "Oskar", "Ida", "Emil", "Freja", "Aksel",
        "Zofia", "Jakub", "Hanna", "Antoni", "Maja", "Yuki", "Haruto", "Sakura", "Ren", "Aoi"
    };
    private static final String[] SYLLABLES = {
        "ber", "mann", "hof", "ler", "stein", "wald", "ko", "va", "ri", "ni", "sen", "berg", "to",
        "la", "mar", "din", "ska", "ro", "vel", "lund", "gaard", "ez", "tti", "mo", "dal", "kai",
        "shi", "ta", "ne", "ru"
    };

    private static final Instant AT = Instant.parse("2025-03-14T09:26:53Z");

    private BenchLocations() {}

    /** Person {@code n}'s subject id. */
    static String subject(long n) {
        return "contact:" + (FIRST_ID + n);
    }

    static String firstName(long n) {
        return FIRST[(int) (n % FIRST.length)];
    }

    /** A family name from three syllables: 27,000 of them, so names are rare, not unique. */
    static String lastName(long n) {
        SplittableRandom r = new SplittableRandom(n * 7919L);
        String s =
                SYLLABLES[r.nextInt(SYLLABLES.length)]
                        + SYLLABLES[r.nextInt(SYLLABLES.length)]
                        + SYLLABLES[r.nextInt(SYLLABLES.length)];
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String email(long n) {
        return (firstName(n) + "." + lastName(n) + "." + n + "@example.eu")
                .toLowerCase(Locale.ROOT)
                .replace("é", "e")
                .replace("í", "i")
                .replace("è", "e");
    }

    /** A valid Berlin number, unique per person: {@code +49 30 2xxxxxxx}. */
    static String phone(long n) {
        return "+49302" + String.format(Locale.ROOT, "%07d", n);
    }

    static String handle(long n) {
        return "@p" + Long.toString(n, 36);
    }

    /** The full-name keys of person {@code n}'s name columns, as the discovery job writes them. */
    static List<String> fullName(long n) {
        return FullNameKeys.of(List.of(firstName(n), lastName(n)));
    }

    /** Document {@code i}. */
    static LocationDocument document(long i) {
        long n = i / PER_SUBJECT;
        int k = (int) (i % PER_SUBJECT);
        long id = FIRST_ID + n;
        String subject = subject(n);
        List<String> self = List.of(subject);
        String contact = "contacts/" + id;
        String ticket = "tickets/" + id;
        String comment = "comments/" + id;
        long lsn = 1_000_000L + i;
        switch (k) {
            case 0:
                return declared(contact, "contacts", "first_name", "name", firstName(n), self, lsn)
                        .withFullName(fullName(n));
            case 1:
                return declared(contact, "contacts", "last_name", "name", lastName(n), self, lsn)
                        .withFullName(fullName(n));
            case 2:
                return declared(contact, "contacts", "email", "email", email(n), self, lsn);
            case 3:
                return declared(contact, "contacts", "mobile", "phone", phone(n), self, lsn);
            case 4:
                return declared(
                        contact,
                        "contacts",
                        "twitter_handle",
                        "handle",
                        handle(n).substring(1),
                        self,
                        lsn);
            case 5:
                return declared(ticket, "tickets", "contact_id", "contact_id", subject, self, lsn);
            case 6:
                return finding(
                        ticket, "tickets", "description", "email", email(n), self, 12, null, lsn);
            case 7:
                return finding(
                        ticket,
                        "tickets",
                        "description",
                        "name",
                        firstName(n) + " " + lastName(n),
                        self,
                        40,
                        null,
                        lsn);
            case 8:
                return finding(
                        comment,
                        "comments",
                        "content",
                        "name",
                        firstName(n + 17) + " " + lastName(n + 17),
                        List.of(),
                        3,
                        ticket,
                        lsn);
            default:
                return finding(
                        comment, "comments", "content", "phone", phone(n), self, 30, ticket, lsn);
        }
    }

    private static LocationDocument declared(
            String record,
            String table,
            String column,
            String kind,
            String value,
            List<String> subjects,
            long lsn) {
        return new LocationDocument(
                LocationDocument.declaredId(record, column),
                subjects,
                kind,
                value,
                table,
                record,
                column,
                kind.equals("contact_id")
                        ? "reference"
                        : kind.equals("name") ? "name" : "contact_detail",
                LocationDocument.DECLARED,
                1.0,
                null,
                null,
                "declared in the personal-data catalog",
                AT,
                lsn,
                null,
                false);
    }

    private static LocationDocument finding(
            String record,
            String table,
            String column,
            String kind,
            String value,
            List<String> subjects,
            int start,
            String parent,
            long lsn) {
        return new LocationDocument(
                LocationDocument.findingId(record, column, kind, start),
                subjects,
                kind,
                value,
                table,
                record,
                column,
                "free_text",
                kind,
                0.9,
                start,
                start + value.length(),
                "found by the " + kind + " detector",
                AT,
                lsn,
                parent,
                false);
    }
}
