package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.bench.DiscoveryAccuracy.Counts;
import dev.lethe.bench.DiscoveryAccuracy.Outcome;
import dev.lethe.bench.DiscoveryAccuracy.Recorded;
import dev.lethe.bench.DiscoveryAccuracy.Tally;
import dev.lethe.bench.DiscoveryAccuracy.TextResult;
import dev.lethe.bench.DiscoveryEvalSet.Annotation;
import dev.lethe.bench.DiscoveryEvalSet.Text;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recall, precision and wrong values counted on a hand-made text with hand-made findings. */
class DiscoveryAccuracyCountsTest {

    private static final String TEXT =
            "Ruf an: 06 12 64 09 11 oder anna@gmx.de. Lea Müller, Bestellung #4711 0815.";

    /** A French mobile number, an email, a name of someone not in the directory, an order. */
    private static Text text() {
        return DiscoveryEvalSet.text(
                "de-99",
                "de",
                "de-DE",
                "ticket",
                "contact:1",
                "contact:1",
                TEXT,
                List.of(
                        pii("phone", "06 12 64 09 11", "+33612640911"),
                        pii("email", "anna@gmx.de", "anna@gmx.de"),
                        pii("name", "Lea Müller", "Lea Müller")),
                List.of(new Annotation("order_number", "4711 0815", null, null, null)));
    }

    private static Annotation pii(String kind, String written, String value) {
        return new Annotation(kind, written, value, null, null);
    }

    /** A finding over the first occurrence of {@code written}. */
    private static Recorded at(String kind, String written, String value) {
        int start = TEXT.indexOf(written);
        return new Recorded(kind, start, start + written.length(), value);
    }

    @Test
    void eachFindingIsJudgedAgainstTheTruthOfItsKindAtItsPlace() {
        TextResult r =
                DiscoveryAccuracy.judge(
                        text(),
                        List.of(
                                // read in Germany, where 0612 is Wiesbaden: the wrong number
                                at("phone", "06 12 64 09 11", "+49612640911"),
                                at("email", "anna@gmx.de", "anna@gmx.de"),
                                at("name", "Müller", "Müller"),
                                at("phone", "4711 0815", "+4947110815")));

        assertThat(r.findings())
                .extracting(j -> j.outcome())
                .containsExactly(
                        Outcome.WRONG_VALUE, Outcome.CORRECT, Outcome.PARTIAL, Outcome.FALSE);
        assertThat(r.findings().get(3).over()).isEqualTo("order_number");
        assertThat(r.found()).extracting(t -> t.kind()).containsExactly("email");
        assertThat(r.missed()).extracting(t -> t.kind()).containsExactly("phone", "name");
        assertThat(r.perfect()).isFalse();

        Tally tally = new Tally();
        tally.add(r);
        Counts phone = tally.byKind.get("phone");
        assertThat(phone.truths).isEqualTo(1);
        assertThat(phone.found).isZero();
        assertThat(phone.findings).isEqualTo(2);
        assertThat(phone.wrong).isEqualTo(1);
        assertThat(phone.falseFindings).isEqualTo(1);
        assertThat(phone.precision()).isZero();
        Counts name = tally.byKind.get("name");
        assertThat(name.recall()).isZero();
        assertThat(name.precision()).isEqualTo(1.0); // a part of the name is still a name
        assertThat(tally.byKind.get("email").recall()).isEqualTo(1.0);
        assertThat(tally.byKind.get("iban").recall()).isNaN();

        assertThat(tally.overall.truths).isEqualTo(3);
        assertThat(tally.overall.found).isEqualTo(1);
        assertThat(tally.overall.recall()).isEqualTo(1 / 3.0);
        assertThat(tally.overall.precision()).isEqualTo(0.5);
        assertThat(tally.overall.wrong).isEqualTo(1);
        assertThat(tally.byLanguage.get("de").wrong).isEqualTo(1);
        assertThat(tally.otherNames).containsExactly(1, 0);
        assertThat(tally.falseOver).isEqualTo(Map.of("order_number", Map.of("phone", 1)));

        assertThat(DiscoveryAccuracy.kindTable(tally))
                .contains("| phone | 1 | 0 | 0.000 | 2 | 0 | 0 | 0.000 | 1 | **missed** |")
                .contains("| email | 1 | 1 | 1.000 | 1 | 1 | 0 | 1.000 | 0 | met |")
                .contains("| iban | 0 | 0 | – | 0 | 0 | 0 | – | 0 | met |")
                .contains("| **all** | 3 | 1 | 0.333 | 4 | 1 | 1 | 0.500 | 1 |  |");
        assertThat(DiscoveryAccuracy.languageTable(tally))
                .contains("| de | 1 | 3 | 1 | 0.333 | 4 | 0.500 | 1 | 1 |");
    }

    @Test
    void aTruthFoundTwiceCountsOnceAndAFindingOfAnotherKindIsFalse() {
        TextResult r =
                DiscoveryAccuracy.judge(
                        text(),
                        List.of(
                                at("email", "anna@gmx.de", "anna@gmx.de"),
                                at("email", "anna@gmx.de", "ANNA@GMX.DE"),
                                at("handle", "@gmx", "@gmx")));

        assertThat(r.found()).hasSize(1);
        assertThat(r.findings())
                .extracting(j -> j.outcome())
                .containsExactly(Outcome.CORRECT, Outcome.CORRECT, Outcome.FALSE);
        assertThat(r.findings().get(2).over()).isEqualTo("email (personal data of another kind)");
    }

    @Test
    void valuesAreComparedAsTheIndexLooksThemUp() {
        assertThat(DiscoveryAccuracy.sameValue("name", "Anna Müller", "ANNA MULLER")).isTrue();
        assertThat(DiscoveryAccuracy.sameValue("email", "zoë@bücher.de", "zoë@xn--bcher-kva.de"))
                .isTrue();
        assertThat(DiscoveryAccuracy.sameValue("phone", "+33612640911", "+49612640911")).isFalse();
        assertThat(DiscoveryAccuracy.sameValue("card", "411111******1111", null)).isFalse();
    }

    @Test
    void anAnnotationThatIsNotInItsTextIsRefused() {
        assertThatThrownBy(
                        () ->
                                DiscoveryEvalSet.text(
                                        "de-98",
                                        "de",
                                        "de-DE",
                                        "ticket",
                                        "contact:1",
                                        "contact:1",
                                        "Ruf mich an.",
                                        List.of(pii("phone", "030 152043", "+4930152043")),
                                        List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("de-98: \"030 152043\" (phone) is not in the text");
    }
}
