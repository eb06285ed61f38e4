package dev.lethe.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.discovery.KnownSubject;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.erasure.MentionRedactor.Person;
import dev.lethe.erasure.MentionRedactor.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MentionRedactorTest {

    private final MentionRedactor redactor = new MentionRedactor(PhoneDetector.DEFAULT_REGIONS);

    private static Person person(String first, String last, String email, String phone) {
        Map<IdentifierKind, Set<String>> ids = new java.util.EnumMap<>(IdentifierKind.class);
        if (email != null) {
            ids.put(IdentifierKind.EMAIL, Set.of(email));
        }
        if (phone != null) {
            ids.put(IdentifierKind.PHONE, Set.of(phone));
        }
        return Person.of(new KnownSubject("contact:7", first, last, ids));
    }

    @Test
    void weiLiInAnotherCustomersTicketLosesOnlyHisNameAndPhone() {
        String text =
                "Our delivery was late. Wei Li from your team (+86 138 1234 5678) promised a Litre"
                        + " of oil; please deliver it. Li said so.";

        String redacted = redactor.redact(text, person("Wei", "Li", null, "+8613812345678")).text();

        assertThat(redacted)
                .isEqualTo(
                        "Our delivery was late. [erased] from your team ([erased]) promised a"
                                + " Litre of oil; please deliver it. [erased] said so.");
    }

    @Test
    void aNameInsideAnotherWordIsNotAMention() {
        Person li = person("Wei", "Li", null, null);

        assertThat(redactor.redact("Lisbon, Olive, deLIver, Lithium", li).spans()).isEmpty();
        assertThat(redactor.redact("ask li", li).spans())
                .as("a family name alone is a name only when capitalized, as in discovery")
                .isEmpty();
    }

    @Test
    void aPhoneInItsOwnBracketsKeepsThem() {
        Person p = person("Anna", "Schmidt", null, "+49301234567");

        assertThat(redactor.redact("call (030) 1234567 today", p).text())
                .isEqualTo("call [erased] today");
        assertThat(redactor.redact("call me (+49 30 1234567).", p).text())
                .isEqualTo("call me ([erased]).");
    }

    @Test
    void emailsMatchAsWrittenInAnyCase() {
        Person p = person("Anna", "Schmidt", "anna.schmidt@example.eu", null);

        assertThat(redactor.redact("From: Anna.Schmidt@Example.EU; cc other@example.eu", p).text())
                .isEqualTo("From: [erased]; cc other@example.eu");
    }

    @Test
    void otherPeoplesIdentifiersStay() {
        Person p = person("Anna", "Schmidt", "anna@example.eu", "+49301234567");
        String text = "Bob Meyer (bob@example.eu, +49 30 7654321) wrote to Anna.";

        assertThat(redactor.redact(text, p).text())
                .isEqualTo("Bob Meyer (bob@example.eu, +49 30 7654321) wrote to [erased].");
    }

    @Test
    void aCjkNameIsReplacedExactlyOverItsDetectedSpan() {
        Person p = person("伟", "李", null, null);

        assertThat(redactor.redact("请联系李伟，他在李子园。李様がお待ちです", p).text())
                .isEqualTo("请联系[erased]，他在李子园。[erased]様がお待ちです");
    }

    @Test
    void overlappingSpansBecomeOneReplacement() {
        assertThat(MentionRedactor.merge(List.of(new Span(5, 8), new Span(0, 6), new Span(9, 10))))
                .containsExactly(new Span(0, 8), new Span(9, 10));
        assertThat(MentionRedactor.merge(List.of(new Span(2, 4), new Span(2, 9))))
                .containsExactly(new Span(2, 9));
    }

    @Test
    void anIndexedEarlierNameIsStillFound() {
        Person p =
                new Person(
                        new KnownSubject("contact:7", "Erika", "Muster", Map.of()),
                        Set.of(),
                        Set.of("Erika Beispiel"));

        assertThat(redactor.redact("Erika Beispiel called.", p).text())
                .isEqualTo("[erased] called.");
    }

    @Test
    void everyIdentifierAsWrittenAndNobodyElses() {
        Person p =
                new Person(
                        new KnownSubject("contact:7", "Erika", "Muster", Map.of()),
                        Set.of(
                                "erika.muster@example.eu",
                                "+49301234567",
                                "DE89370400440532013000",
                                "@erika_m"),
                        Set.of());
        String text =
                "cc Erika.Muster@Example.EU, call +49 30 1234567 or 030 1234567;"
                        + " Erika Muster's IBAN DE89 3704 0044 0532 0130 00, thanks @erika_m and"
                        + " ERIKA MUSTER. Not to be confused with otto@example.eu, +49 30 7654321.";

        assertThat(redactor.redact(text, p).text())
                .isEqualTo(
                        "cc [erased], call [erased] or [erased]; [erased]'s IBAN [erased], thanks"
                                + " [erased] and [erased]. Not to be confused with"
                                + " otto@example.eu, +49 30 7654321.");
    }

    @Test
    void textWithoutThePersonIsReturnedUnchanged() {
        String text = "nothing about her here: otto@example.eu";

        MentionRedactor.Result r = redactor.redact(text, person("Erika", "Muster", "e@x.eu", null));

        assertThat(r.text()).isSameAs(text);
        assertThat(r.changed()).isFalse();
    }

    @Test
    void nullAndEmptyTextStayAsTheyAre() {
        Person p = person("Wei", "Li", null, null);

        assertThat(redactor.redact(null, p).text()).isNull();
        assertThat(redactor.redact("", p).text()).isEmpty();
    }

    // ---- property: only the person's spans change, and none of them survives ----

    private static final String[] LATIN_FIRST = {"Wei", "Al", "Bo", "Q", "Jo", "Anna", "Ed", "Yu"};
    private static final String[] LATIN_LAST = {"Li", "Wu", "Ng", "O", "Ma", "Xu", "Lee", "Łę"};
    private static final String[] CJK_FIRST = {"伟", "一郎", "娜", "明"};
    private static final String[] CJK_LAST = {"李", "王", "佐藤", "陈"};
    private static final String[] WORDS = {
        "delivery", "oil", "Bestellung", "Lieferung", "zamówienie", "très", "façon", "über",
        "Grüße", "Rechnung", "problem", "Ticket", "please", "thanks", "όχι", "спасибо",
    };
    private static final String[] CJK_WORDS = {"注文", "配送", "ありがとう", "問題", "確認", "お客様", "子"};
    private static final String[] PHONES = {
        "+86 138 1234 5678", "+49 30 1234567", "+44 20 7946 0958", "+33 1 42 68 53 00",
    };

    @Property(tries = 300)
    void redactionChangesOnlyThePersonsSpans(@ForAll long seed) {
        Random r = new Random(seed);
        boolean cjk = r.nextInt(3) == 0;
        String first = cjk ? pick(r, CJK_FIRST) : pick(r, LATIN_FIRST);
        String last = cjk ? pick(r, CJK_LAST) : pick(r, LATIN_LAST);
        String phone = pick(r, PHONES);
        String e164 = PhoneDetector.normalize(phone, "DE").orElseThrow();
        String email = "p" + r.nextInt(1000) + ".x@example.eu";
        Person person = person(first, last, email, e164);

        List<String> mentions = new ArrayList<>();
        mentions.add(cjk ? last + first : first + " " + last);
        if (!cjk && last.length() >= 2) {
            mentions.add(last);
        }
        if (cjk) {
            mentions.add(last + "様");
        }
        mentions.add(email);
        mentions.add(phone);

        StringBuilder text = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        int parts = 3 + r.nextInt(20);
        for (int i = 0; i < parts; i++) {
            String sep =
                    cjk
                            ? pick(r, new String[] {"、", "。", " ", "\n"})
                            : pick(r, new String[] {" ", ", ", ". ", "\n", "; "});
            if (i > 0) {
                text.append(sep);
                expected.append(sep);
            }
            int kind = r.nextInt(4);
            if (kind == 0) {
                String m = pick(r, mentions.toArray(String[]::new));
                boolean bracketed = r.nextBoolean() && m.startsWith("+");
                String honorific = m.endsWith("様") ? "様" : "";
                String core = honorific.isEmpty() ? m : m.substring(0, m.length() - 1);
                text.append(bracketed ? "(" : "")
                        .append(core)
                        .append(honorific)
                        .append(bracketed ? ")" : "");
                expected.append(bracketed ? "(" : "")
                        .append(MentionRedactor.REPLACEMENT)
                        .append(honorific)
                        .append(bracketed ? ")" : "");
            } else if (kind == 1) {
                // a word that holds a part of the name without being it
                String part = r.nextBoolean() ? first : last;
                String w =
                        cjk
                                ? pick(r, CJK_WORDS) + part + "子"
                                : pick(r, new String[] {"de", "Ol", "x"})
                                        + part.toLowerCase()
                                        + "ver";
                if (!cjk && r.nextBoolean()) {
                    w = part + "tre";
                }
                if (cjk && (w.contains(last + first))) {
                    w = pick(r, CJK_WORDS);
                }
                text.append(w);
                expected.append(w);
            } else {
                String w = cjk ? pick(r, CJK_WORDS) : pick(r, WORDS);
                text.append(w);
                expected.append(w);
            }
        }

        String redacted = redactor.redact(text.toString(), person).text();

        assertThat(redacted).as("redacted %s", text).isEqualTo(expected.toString());
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
