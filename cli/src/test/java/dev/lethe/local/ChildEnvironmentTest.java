package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A component gets the secrets it is given, not every secret of the shell that ran Lethe. */
class ChildEnvironmentTest {

    @Test
    void lethesSecretsAreNotInheritedButWhatAComponentIsGivenIs() {
        Map<String, String> inherited = new HashMap<>();
        inherited.put("PATH", "/usr/bin");
        inherited.put("LETHE_POSTGRES_PASSWORD", "external superuser");
        inherited.put("LETHE_KAFKA_PASSWORD_LETHE_AUDIT", "audit's");
        inherited.put("LETHE_SERVER_TOKEN_KEY", "token key");
        inherited.put("LETHE_MASTER_KEY", "master");
        inherited.put("LETHE_CAPTURE_MASK_SECRET", "mask");
        inherited.put("LETHE_DATA_DIR", "/srv/lethe");
        inherited.put("LETHE_AUDIT_SIGNING_KEY_DIR", "/srv/keys");
        inherited.put("LETHE_AUDIT_TRUSTED_KEYS", "/srv/trusted");

        ChildEnvironment.apply(inherited, Map.of("LETHE_POSTGRES_PASSWORD_LETHE_AUDIT", "given"));

        assertThat(inherited)
                .containsOnlyKeys(
                        "PATH",
                        "LETHE_DATA_DIR",
                        "LETHE_AUDIT_SIGNING_KEY_DIR",
                        "LETHE_AUDIT_TRUSTED_KEYS",
                        "LETHE_POSTGRES_PASSWORD_LETHE_AUDIT")
                .containsEntry("LETHE_POSTGRES_PASSWORD_LETHE_AUDIT", "given");
    }

    @Test
    void aGivenSecretReplacesAnInheritedOne() {
        Map<String, String> inherited = new HashMap<>(Map.of("LETHE_KAFKA_PASSWORD", "shell's"));
        ChildEnvironment.apply(inherited, Map.of("LETHE_KAFKA_PASSWORD", "the broker's"));
        assertThat(inherited).containsExactly(Map.entry("LETHE_KAFKA_PASSWORD", "the broker's"));
    }

    @Test
    void otherProgramsVariablesAreLeftAlone() {
        assertThat(ChildEnvironment.isSecret("PGPASSWORD")).isFalse();
        assertThat(ChildEnvironment.isSecret("AWS_SECRET_ACCESS_KEY")).isFalse();
        assertThat(ChildEnvironment.isSecret("lethe_kafka_password")).isTrue();
    }
}
