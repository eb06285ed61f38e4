package dev.lethe.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.keys.InMemorySubjectKeyStore;
import dev.lethe.keys.SubjectErasedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectCipherTest {

    private static final String ANNA = "contact:1";
    private static final String BEN = "contact:2";
    private static final String CLARA = "contact:3";
    private static final String DESCRIPTION = "tickets/42#description";

    private final InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
    private final SubjectCipher cipher = new SubjectCipher(keys);

    @Test
    void readsBackTextEncryptedForOneSubject() {
        String envelope = cipher.encrypt("Anna Meyer, +49 30 1234567", List.of(ANNA), DESCRIPTION);

        assertThat(envelope).doesNotContain("Anna").doesNotContain("1234567");
        assertThat(cipher.decrypt(envelope, DESCRIPTION))
                .isInstanceOfSatisfying(
                        Decrypted.Plaintext.class,
                        p -> assertThat(p.text()).isEqualTo("Anna Meyer, +49 30 1234567"));
    }

    @Test
    void readsBackEmptyAndBinaryValues() {
        byte[] binary = {0, 1, 2, (byte) 0xff};

        assertThat(plaintextOf(cipher.encrypt(new byte[0], List.of(ANNA), DESCRIPTION))).isEmpty();
        assertThat(plaintextOf(cipher.encrypt(binary, List.of(ANNA), DESCRIPTION)))
                .isEqualTo(binary);
    }

    @Test
    void encryptsTheSameValueDifferentlyEachTime() {
        byte[] first = cipher.encrypt(bytes("same"), List.of(ANNA), DESCRIPTION);
        byte[] second = cipher.encrypt(bytes("same"), List.of(ANNA), DESCRIPTION);

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void laysOutTheEnvelopeAsDocumented() {
        byte[] envelope = cipher.encrypt(bytes("hello"), List.of(ANNA, BEN), DESCRIPTION);

        assertThat(envelope[0]).isEqualTo((byte) 1); // version
        assertThat(envelope[1]).isEqualTo((byte) 2); // subjects
        assertThat(envelope[2]).isEqualTo((byte) ANNA.length());
        assertThat(new String(envelope, 3, ANNA.length(), StandardCharsets.US_ASCII))
                .isEqualTo(ANNA);
        int perSubject = 1 + ANNA.length() + 40;
        assertThat(envelope).hasSize(2 + 2 * perSubject + 12 + "hello".length() + 16);
        assertThat(SubjectCipher.subjectIds(envelope)).containsExactly(ANNA, BEN);
    }

    @Test
    void aValueOfOneSubjectIsErasedWithItsKey() {
        String envelope = cipher.encrypt("Anna's IBAN", List.of(ANNA), DESCRIPTION);

        keys.shred(ANNA, "dsar-1", "gdpr-art-17");

        assertThat(cipher.decrypt(envelope, DESCRIPTION))
                .isEqualTo(new Decrypted.Erased(List.of(ANNA)));
    }

    @ParameterizedTest
    @ValueSource(strings = {ANNA, BEN, CLARA})
    void aValueOfSeveralSubjectsIsErasedWithAnyOneOfTheirKeys(String erased) {
        String shared =
                cipher.encrypt(
                        "Anna wrote: Ben and Clara were there",
                        List.of(ANNA, BEN, CLARA),
                        DESCRIPTION);
        List<String> others = new ArrayList<>(List.of(ANNA, BEN, CLARA));
        others.remove(erased);
        String ofFirstOther =
                cipher.encrypt("only " + others.get(0), List.of(others.get(0)), DESCRIPTION);
        String ofSecondOther =
                cipher.encrypt("only " + others.get(1), List.of(others.get(1)), DESCRIPTION);
        assertThat(cipher.decrypt(shared, DESCRIPTION)).isInstanceOf(Decrypted.Plaintext.class);

        keys.shred(erased, "dsar-1", "gdpr-art-17");

        assertThat(cipher.decrypt(shared, DESCRIPTION))
                .isEqualTo(new Decrypted.Erased(List.of(erased)));
        assertThat(textOf(cipher.decrypt(ofFirstOther, DESCRIPTION)))
                .isEqualTo("only " + others.get(0));
        assertThat(textOf(cipher.decrypt(ofSecondOther, DESCRIPTION)))
                .isEqualTo("only " + others.get(1));
    }

    @Test
    void namesEverySubjectWhoseKeyIsGone() {
        String envelope = cipher.encrypt("three people", List.of(ANNA, BEN, CLARA), DESCRIPTION);

        keys.shred(CLARA, "dsar-2", "gdpr-art-17");
        keys.shred(ANNA, "dsar-1", "gdpr-art-17");

        assertThat(cipher.decrypt(envelope, DESCRIPTION))
                .isEqualTo(new Decrypted.Erased(List.of(ANNA, CLARA)));
    }

    @Test
    void refusesToEncryptForAnErasedSubjectAndCreatesNoKey() {
        keys.shred(BEN, "dsar-1", "gdpr-art-17");

        assertThatThrownBy(() -> cipher.encrypt("Ben again", List.of(ANNA, BEN), DESCRIPTION))
                .isInstanceOf(SubjectErasedException.class)
                .hasMessageContaining(BEN);
        assertThat(keys.find(BEN)).isEmpty();
    }

    @Test
    void failsWhenDecryptedInAnotherContext() {
        byte[] envelope = cipher.encrypt(bytes("Anna's text"), List.of(ANNA), DESCRIPTION);

        assertThatThrownBy(() -> cipher.decrypt(envelope, "tickets/43#description"))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("fails authentication");
        assertThatThrownBy(() -> cipher.decrypt(envelope, "tickets/42#subject"))
                .isInstanceOf(InvalidEnvelopeException.class);
    }

    @Test
    void detectsAFlippedByteInTheCiphertextTagIvOrShare() {
        byte[] envelope = cipher.encrypt(bytes("Anna's text"), List.of(ANNA, BEN), DESCRIPTION);
        int firstShare = 3 + ANNA.length();
        int iv = envelope.length - 16 - "Anna's text".length() - 12;
        int[] positions = {firstShare, firstShare + 39, iv, iv + 12, envelope.length - 1};

        for (int position : positions) {
            byte[] tampered = envelope.clone();
            tampered[position] ^= 0x01;
            assertThatThrownBy(() -> cipher.decrypt(tampered, DESCRIPTION))
                    .as("byte %d flipped", position)
                    .isInstanceOf(InvalidEnvelopeException.class);
        }
    }

    @Test
    void neverReturnsPlaintextWhateverByteIsFlipped() {
        byte[] envelope = cipher.encrypt(bytes("Anna's text"), List.of(ANNA, BEN), DESCRIPTION);

        for (int position = 0; position < envelope.length; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = envelope.clone();
                tampered[position] ^= (byte) (1 << bit);
                Decrypted result;
                try {
                    result = cipher.decrypt(tampered, DESCRIPTION);
                } catch (InvalidEnvelopeException expected) {
                    continue;
                }
                // a flipped subject id names a subject without key: unreadable, never readable
                assertThat(result)
                        .as("byte %d bit %d", position, bit)
                        .isInstanceOf(Decrypted.Erased.class);
            }
        }
    }

    @Test
    void rejectsWhatIsNotAnEnvelope() {
        assertThatThrownBy(() -> cipher.decrypt(new byte[] {2, 1, 0}, DESCRIPTION))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessage("unsupported encrypted value version 2");
        byte[] envelope = cipher.encrypt(bytes("text"), List.of(ANNA), DESCRIPTION);
        assertThatThrownBy(() -> cipher.decrypt(java.util.Arrays.copyOf(envelope, 30), DESCRIPTION))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessage("encrypted value is truncated");
        assertThatThrownBy(() -> cipher.decrypt("not base64!", DESCRIPTION))
                .isInstanceOf(InvalidEnvelopeException.class);
    }

    @Test
    void encryptsOnceForASubjectNamedTwice() {
        byte[] envelope = cipher.encrypt(bytes("text"), List.of(ANNA, ANNA, BEN), DESCRIPTION);

        assertThat(SubjectCipher.subjectIds(envelope)).containsExactly(ANNA, BEN);
        assertThat(plaintextOf(envelope)).isEqualTo(bytes("text"));
    }

    @Test
    void refusesSubjectIdsThatAreNotRowIds() {
        assertThatThrownBy(
                        () ->
                                cipher.encrypt(
                                        bytes("x"), List.of("email:anna@example.eu"), DESCRIPTION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("anna");
        assertThatThrownBy(() -> cipher.encrypt(bytes("x"), List.of(), DESCRIPTION))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSealerSharesOneValueKeyPerSubjectsAmongTheValuesOfAChange() {
        byte[] email;
        byte[] phone;
        byte[] mention;
        try (SubjectCipher.Sealer sealer = cipher.sealer()) {
            email = sealer.encrypt(bytes("anna@example.eu"), List.of(ANNA), "contacts/1#email");
            phone = sealer.encrypt(bytes("+49 30 1234567"), List.of(ANNA), "contacts/1#phone");
            mention = sealer.encrypt(bytes("ask Ben"), List.of(ANNA, BEN), DESCRIPTION);
        }
        Envelope e = Envelope.parse(email);
        Envelope p = Envelope.parse(phone);
        Envelope m = Envelope.parse(mention);

        // the same wrapped share (one value key for Anna's values), each value its own IV
        assertThat(p.wrappedShares().get(0)).isEqualTo(e.wrappedShares().get(0));
        assertThat(p.iv()).isNotEqualTo(e.iv());
        // numbered under the value key (4 zero bytes, a 64-bit big-endian count): 0, 1, and 0
        // again under the other value key
        assertThat(e.iv()).isEqualTo(new byte[12]);
        assertThat(p.iv()).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        assertThat(m.iv()).isEqualTo(new byte[12]);
        // a value about Anna and Ben has a value key of its own
        assertThat(m.subjectIds()).containsExactly(ANNA, BEN);
        assertThat(m.wrappedShares().get(0)).isNotEqualTo(e.wrappedShares().get(0));
        // each envelope reads on its own, in its own context only
        assertThat(textOf(cipher.decrypt(email, "contacts/1#email"))).isEqualTo("anna@example.eu");
        assertThat(textOf(cipher.decrypt(phone, "contacts/1#phone"))).isEqualTo("+49 30 1234567");
        assertThat(textOf(cipher.decrypt(mention, DESCRIPTION))).isEqualTo("ask Ben");
        assertThatThrownBy(() -> cipher.decrypt(phone, "contacts/1#email"))
                .isInstanceOf(InvalidEnvelopeException.class);

        // erasing Ben leaves Anna's own values readable, the shared one not
        keys.shred(BEN, "request-1", "test");
        assertThat(cipher.decrypt(mention, DESCRIPTION)).isInstanceOf(Decrypted.Erased.class);
        assertThat(textOf(cipher.decrypt(email, "contacts/1#email"))).isEqualTo("anna@example.eu");
    }

    @Test
    void separateSealersUseSeparateValueKeys() {
        byte[] first;
        byte[] second;
        try (SubjectCipher.Sealer sealer = cipher.sealer()) {
            first = sealer.encrypt(bytes("same"), List.of(ANNA), DESCRIPTION);
        }
        try (SubjectCipher.Sealer sealer = cipher.sealer()) {
            second = sealer.encrypt(bytes("same"), List.of(ANNA), DESCRIPTION);
        }

        assertThat(Envelope.parse(first).wrappedShares().get(0))
                .isNotEqualTo(Envelope.parse(second).wrappedShares().get(0));
    }

    @Test
    void aSealerRefusesAnErasedSubjectAndKeepsSealingForOthers() {
        keys.shred(CLARA, "request-1", "test");
        try (SubjectCipher.Sealer sealer = cipher.sealer()) {
            assertThatThrownBy(() -> sealer.encrypt(bytes("x"), List.of(ANNA, CLARA), DESCRIPTION))
                    .isInstanceOf(SubjectErasedException.class);
            byte[] envelope = sealer.encrypt(bytes("text"), List.of(ANNA), DESCRIPTION);
            assertThat(plaintextOf(envelope)).isEqualTo(bytes("text"));
        }
        assertThat(keys.find(CLARA)).isEmpty();
    }

    private byte[] plaintextOf(byte[] envelope) {
        Decrypted result = cipher.decrypt(envelope, DESCRIPTION);
        assertThat(result).isInstanceOf(Decrypted.Plaintext.class);
        return ((Decrypted.Plaintext) result).bytes();
    }

    private static String textOf(Decrypted result) {
        assertThat(result).isInstanceOf(Decrypted.Plaintext.class);
        return ((Decrypted.Plaintext) result).text();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
