package dev.lethe.connectors.capture;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The capture secret both transformations key their digests with ({@code
 * ${env:LETHE_CAPTURE_MASK_SECRET}} in the connector registration): checked once, turned into an
 * HMAC-SHA256. The value is never part of a message.
 */
final class CaptureSecret {

    /** The least length of the secret (e.g. 32 random bytes in base64url are 43 characters). */
    static final int MIN_LENGTH = 32;

    private CaptureSecret() {}

    /** A new config definition that starts with the secret option {@code option}. */
    static ConfigDef definition(String option, String digestsOf) {
        return new ConfigDef()
                .define(
                        option,
                        ConfigDef.Type.PASSWORD,
                        ConfigDef.NO_DEFAULT_VALUE,
                        ConfigDef.Importance.HIGH,
                        "Key of the digests that replace "
                                + digestsOf
                                + ", at least "
                                + MIN_LENGTH
                                + " characters (e.g. ${env:LETHE_CAPTURE_MASK_SECRET}).");
    }

    /**
     * {@link #hmac(String, String)} keyed with the value of the password option {@code option} in
     * the transformation's parsed configuration {@code parsed}.
     */
    static Mac hmac(String option, Map<String, Object> parsed) {
        return hmac(option, ((Password) parsed.get(option)).value());
    }

    /**
     * A digest as it travels: its first 16 bytes in base64url without padding.
     *
     * @param digest the HMAC's output
     */
    static String encoded(byte[] digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    /**
     * An HMAC-SHA256 keyed with {@code secret}, the value of the option {@code option}.
     *
     * @throws ConfigException saying what to set if the secret is missing, an unresolved config
     *     variable (Connect leaves those as they are: a public, well-known "secret") or too short
     */
    static Mac hmac(String option, String secret) {
        if (secret != null && secret.startsWith("${")) {
            throw new ConfigException(
                    option,
                    "(hidden)",
                    "is an unresolved config variable: set LETHE_CAPTURE_MASK_SECRET in the"
                            + " Connect worker's environment (and config.providers=env)");
        }
        if (secret == null || secret.length() < MIN_LENGTH) {
            throw new ConfigException(
                    option,
                    "(hidden)",
                    "must be at least "
                            + MIN_LENGTH
                            + " characters, e.g. 32 random bytes in base64url; the connector"
                            + " registration reads it as ${env:LETHE_CAPTURE_MASK_SECRET} from the"
                            + " Connect worker's environment");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("HmacSHA256 is not available: " + e.getMessage());
        }
    }
}
