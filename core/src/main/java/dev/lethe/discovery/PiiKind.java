package dev.lethe.discovery;

import java.util.Arrays;
import java.util.Optional;

/** What kind of personal data a {@link Finding} is. {@link #code()} is what the index stores. */
public enum PiiKind {
    EMAIL("email"),
    PHONE("phone"),
    IBAN("iban"),
    PAYMENT_CARD("card"),
    SOCIAL_HANDLE("handle"),
    NAME("name");

    private final String code;

    PiiKind(String code) {
        this.code = code;
    }

    /** The short name used in the index and in ground truths: email, phone, iban, card, ... */
    public String code() {
        return code;
    }

    /** The kind whose {@link #code()} is {@code code}, if any. */
    public static Optional<PiiKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }
}
