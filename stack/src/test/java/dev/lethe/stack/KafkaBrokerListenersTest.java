package dev.lethe.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaBrokerListenersTest {

    private static final String REQUIRED = "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT";

    @Test
    void theRequiredListenersAndMoreThatAuthenticateAreTaken() {
        assertThat(KafkaBroker.authenticatesEveryListener(REQUIRED, REQUIRED)).isTrue();
        assertThat(
                        KafkaBroker.authenticatesEveryListener(
                                REQUIRED, REQUIRED + ",CONNECT:SASL_PLAINTEXT"))
                .isTrue();
    }

    @Test
    void aListenerWithoutAuthenticationOrAMissingOneIsRefused() {
        assertThat(
                        KafkaBroker.authenticatesEveryListener(
                                REQUIRED, REQUIRED + ",CONNECT:PLAINTEXT"))
                .isFalse();
        assertThat(KafkaBroker.authenticatesEveryListener(REQUIRED, "BROKER:SASL_PLAINTEXT"))
                .isFalse();
        assertThat(KafkaBroker.authenticatesEveryListener(REQUIRED, null)).isFalse();
    }
}
