package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PersonalDataInTextTest {

    @Test
    void findsIdentifiersInAReason() {
        assertThat(PersonalDataInText.kinds("request from anna.meyer@example.eu"))
                .containsExactly(PiiKind.EMAIL);
        assertThat(
                        PersonalDataInText.kinds(
                                "called from +49 30 1234567, refund to DE89370400440532013000"))
                .containsExactlyInAnyOrder(PiiKind.PHONE, PiiKind.IBAN);
        assertThat(PersonalDataInText.kinds("asked via @anna_meyer"))
                .containsExactly(PiiKind.SOCIAL_HANDLE);
    }

    @Test
    void acceptsReferencesAndPlainWords() {
        for (String ok :
                new String[] {
                    "Art. 17 request DPO-2026-117",
                    "Art. 15 request #1234",
                    "Art. 17 request 2025-03",
                    "ticket 4242, contact:42 asked by letter",
                    "legal review 2026-11-29",
                    // the actor the helpdesk's trigger names for a transaction without one
                    "application=helpdesk-app; role=helpdesk; client=10.20.30.40",
                    "application=psql; role=postgres; client=192.168.178.201",
                    "application=-; role=app; client=2001:db8::1",
                    "application=PostgreSQL JDBC Driver; role=lethe_purge; client=local",
                    "",
                    null
                }) {
            assertThat(PersonalDataInText.kinds(ok)).as(ok).isEmpty();
            assertThatCode(() -> PersonalDataInText.requireNone("--reason", ok))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aRequestsOrCasesNumberIsAReferenceNotAPhone() {
        // a request reference made of digits only (as an 8-character hex id is, 2 % of the time)
        for (String ok :
                new String[] {
                    "Art. 17 request 12345678",
                    "Art. 17 request 47110815",
                    "erasure request no. 30461982",
                    "Anfrage 17234590 vom Kunden per Brief",
                    "demande n° 61234578",
                    "case 49301277",
                    "incident 49301277",
                    "REQ-17234590",
                    "INC-91234567"
                }) {
            assertThat(PersonalDataInText.kinds(ok)).as(ok).isEmpty();
        }
        // a phone number said to be one still is
        assertThat(PersonalDataInText.kinds("request a call back at +49 30 1234567"))
                .containsExactly(PiiKind.PHONE);
    }

    @Test
    void refusalNamesTheOptionAndKindButNeverTheValue() {
        assertThatThrownBy(
                        () ->
                                PersonalDataInText.requireNone(
                                        "--reason", "per mail of anna.meyer@example.eu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--reason looks like it holds personal data (email)")
                .hasMessageContaining("subject id")
                .hasMessageNotContaining("anna");
    }
}
