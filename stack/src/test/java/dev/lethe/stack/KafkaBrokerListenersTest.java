package dev.lethe.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
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

    @Test
    void aFurtherListenerGetsAnEmptyScramLoginAndTheOthersKeepTheirs() {
        Properties p = new Properties();
        for (String line : KafkaBroker.securityProperties("SASL_PLAINTEXT")) {
            p.setProperty(
                    line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        p.setProperty(
                "listener.security.protocol.map",
                p.getProperty("listener.security.protocol.map") + ",CONNECT:SASL_PLAINTEXT");
        KafkaBroker.addLogins(p, "lethe", "secret", "admin-secret");
        assertThat(p.getProperty("listener.name.connect.scram-sha-512.sasl.jaas.config"))
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required;");
        assertThat(p.getProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"))
                .contains("username=\"lethe\"");
        assertThat(p.stringPropertyNames())
                .noneMatch(k -> k.startsWith("listener.name.connect.plain"));
    }
}
