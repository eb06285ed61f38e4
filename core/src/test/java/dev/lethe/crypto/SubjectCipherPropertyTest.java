package dev.lethe.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.keys.InMemorySubjectKeyStore;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SubjectCipherPropertyTest {

    private final InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
    private final SubjectCipher cipher = new SubjectCipher(keys);

    @Property(tries = 300)
    void decryptsWhatItEncrypted(
            @ForAll byte[] plaintext,
            @ForAll("subjects") List<String> subjects,
            @ForAll String aad) {
        byte[] envelope = cipher.encrypt(plaintext, subjects, aad);

        Decrypted result = cipher.decrypt(envelope, aad);

        assertThat(result).isInstanceOf(Decrypted.Plaintext.class);
        assertThat(((Decrypted.Plaintext) result).bytes()).isEqualTo(plaintext);
        assertThat(SubjectCipher.subjectIds(envelope))
                .containsExactlyElementsOf(subjects.stream().distinct().toList());
    }

    @Property(tries = 200)
    void decryptsTextWhatItEncrypted(
            @ForAll("texts") String plaintext, @ForAll("subjects") List<String> subjects) {
        String envelope = cipher.encrypt(plaintext, subjects, "comments/7#content");

        assertThat(cipher.decrypt(envelope, "comments/7#content"))
                .isInstanceOfSatisfying(
                        Decrypted.Plaintext.class, p -> assertThat(p.text()).isEqualTo(plaintext));
    }

    /** Text without lone surrogates (which UTF-8 cannot carry). */
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(300);
    }

    @Provide
    Arbitrary<List<String>> subjects() {
        return Arbitraries.longs()
                .between(1, 50)
                .map(id -> "contact:" + id)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6);
    }
}
