package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.discovery.PhoneDetector;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MentionRedactionTest {

    private final MentionRedaction redaction =
            new MentionRedaction(PhoneDetector.DEFAULT_REGIONS, "[erased]");

    @Test
    void replacesThePersonsIdentifiersAsWrittenAndKeepsOthers() {
        String text =
                "cc Erika.Muster@Example.EU, call +49 30 1234567 or 030 1234567;"
                        + " Erika Muster's IBAN DE89 3704 0044 0532 0130 00."
                        + " Not to be confused with otto@example.eu, +49 30 7654321.";

        String out =
                redaction.redact(
                        text,
                        Set.of(
                                "erika.muster@example.eu",
                                "+49301234567",
                                "DE89370400440532013000",
                                "Erika Muster"));

        assertThat(out)
                .isEqualTo(
                        "cc [erased], call [erased] or [erased]; [erased]'s IBAN [erased]."
                                + " Not to be confused with otto@example.eu, +49 30 7654321.");
    }

    @Test
    void leavesTextWithoutThePersonAsItIs() {
        String text = "nothing about her here: otto@example.eu";
        assertThat(redaction.redact(text, Set.of("erika@example.eu"))).isSameAs(text);
        assertThat(redaction.redact(null, Set.of("erika@example.eu"))).isNull();
        assertThat(redaction.redact(text, Set.of())).isSameAs(text);
    }

    @Test
    void aHandleAndALiteralNameInAnyCase() {
        assertThat(
                        redaction.redact(
                                "thanks @erika_m and ERIKA MUSTER",
                                Set.of("@erika_m", "Erika Muster")))
                .isEqualTo("thanks [erased] and [erased]");
    }
}
