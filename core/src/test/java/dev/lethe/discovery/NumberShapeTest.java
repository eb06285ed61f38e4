package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Dates, IP addresses and codes are no phone numbers, whatever they parse as. */
class NumberShapeTest {

    private static String shapeOf(String text, String span) {
        int start = text.indexOf(span);
        return NumberShape.notAPhone(text, start, start + span.length()).orElse("none");
    }

    @Test
    void dates() {
        assertThat(shapeOf("überwiesen am 05.12.2024 um", "05.12.2024")).isEqualTo("a date");
        assertThat(shapeOf("le 03-12-2024.", "03-12-2024")).isEqualTo("a date");
        assertThat(shapeOf("on 12/31/2024", "12/31/2024")).isEqualTo("a date");
        assertThat(shapeOf("注文日2024/11/28、", "2024/11/28")).isEqualTo("a date");
        // a reading that starts at the month still is the date's
        assertThat(shapeOf("am 05.12.2024", "12.2024")).isEqualTo("a date");
        // no day 45, no month 13 either way
        assertThat(shapeOf("ref 45.13.2024", "45.13.2024")).isEqualTo("none");
        // a phone number with dots is no date
        assertThat(shapeOf("Tel. 06.12.34.56.78", "06.12.34.56.78")).isEqualTo("none");
    }

    @Test
    void ipAddresses() {
        assertThat(shapeOf("IP 172.16.254.1 blocked", "172.16.254.1")).isEqualTo("an IP address");
        assertThat(shapeOf("from 85.73.12.104.", "85.73.12.104")).isEqualTo("an IP address");
        assertThat(shapeOf("x 300.16.254.1", "300.16.254.1")).isEqualTo("none");
    }

    @Test
    void theTailOfACode() {
        assertThat(shapeOf("Rechnung INV-2024-00987 offen", "2024-00987"))
                .isEqualTo("part of a code");
        assertThat(shapeOf("suivi TR/2024-55812", "2024-55812")).isEqualTo("part of a code");
        assertThat(shapeOf("code AB0612345678", "0612345678")).isEqualTo("part of a code");
        // a number glued to a Japanese word, or after a label and a colon, is no code
        assertThat(shapeOf("携帯は090-1234-5678です", "090-1234-5678")).isEqualTo("none");
        assertThat(shapeOf("Tel.:0612345678", "0612345678")).isEqualTo("none");
        assertThat(shapeOf("Tel. 030-1234567", "030-1234567")).isEqualTo("none");
    }
}
