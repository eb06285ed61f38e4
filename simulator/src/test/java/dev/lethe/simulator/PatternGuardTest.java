package dev.lethe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PatternGuardTest {

    @Test
    void luhnAcceptsKnownTestCardsAndRejectsATypo() {
        assertThat(PatternGuard.luhnValid("4111 1111 1111 1111")).isTrue();
        assertThat(PatternGuard.luhnValid("5500-0000-0000-0004")).isTrue();
        assertThat(PatternGuard.luhnValid("4111 1111 1111 1112")).isFalse();
    }

    @Test
    void ibanCheckAcceptsTheStandardExampleAndRejectsAChangedDigit() {
        assertThat(PatternGuard.ibanValid("DE89 3704 0044 0532 0130 00")).isTrue();
        assertThat(PatternGuard.ibanValid("GB82WEST12345698765432")).isTrue();
        assertThat(PatternGuard.ibanValid("DE89 3704 0044 0532 0130 01")).isFalse();
    }

    @Test
    void findsCardLikeRunsInsideLongerText() {
        assertThat(PatternGuard.looksLikeCard("paid with 4111-1111-1111-1111 yesterday")).isTrue();
        assertThat(PatternGuard.looksLikeCard("x 00004111111111111111 x")).isTrue();
        assertThat(PatternGuard.looksLikeCard("+49 30 1234567")).isFalse();
    }

    @Test
    void findsValidPhoneNumbersForTheGivenRegions() {
        assertThat(PatternGuard.containsPhone("call 030 12345678 please", Set.of("DE"))).isTrue();
        assertThat(PatternGuard.containsPhone("call 030 12345678 please", Set.of("JP"))).isFalse();
        assertThat(PatternGuard.containsPhone("no number here", Set.of("DE", "FR"))).isFalse();
    }
}
