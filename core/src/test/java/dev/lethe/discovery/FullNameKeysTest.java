package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FullNameKeysTest {

    @Test
    void aNameIsKeyedFoldedAsWrittenAndFamilyNameFirst() {
        assertThat(FullNameKeys.of(List.of(" Łukasz ", "Wójcik")))
                .containsExactly("lukasz wojcik", "wojcik lukasz");
        assertThat(FullNameKeys.of(List.of("Anna\u00a0 Maria", "MÜLLER")))
                .containsExactly("anna maria muller", "muller anna maria");
    }

    @Test
    void aJapaneseNameIsAlsoKeyedAsWrittenTogether() {
        assertThat(FullNameKeys.of(List.of("一郎", "佐藤"))).containsExactly("一郎 佐藤", "佐藤 一郎", "佐藤一郎");
        // romanized, it is keyed both ways like any other
        assertThat(FullNameKeys.of(List.of("Ichirō", "Satō")))
                .containsExactly("ichiro sato", "sato ichiro");
    }

    @Test
    void blankPartsAreSkipped() {
        assertThat(FullNameKeys.of(Arrays.asList("Anna", null))).containsExactly("anna");
        assertThat(FullNameKeys.of(Arrays.asList(" ", null))).isEmpty();
        assertThat(FullNameKeys.of(List.of("Jane Doe"))).containsExactly("jane doe");
    }

    @Test
    void severalWordsAreTwoPartsOrOnePartWithASpace() {
        assertThat(FullNameKeys.isSeveralWords(FullNameKeys.of(List.of("Anna")))).isFalse();
        assertThat(FullNameKeys.isSeveralWords(FullNameKeys.of(List.of("佐藤一郎")))).isFalse();
        assertThat(FullNameKeys.isSeveralWords(FullNameKeys.of(List.of("Jane Doe")))).isTrue();
        assertThat(FullNameKeys.isSeveralWords(FullNameKeys.of(List.of("一郎", "佐藤")))).isTrue();
    }

    @Test
    void theIdeographicSpaceFoldsToASpace() {
        assertThat(NameFolding.foldName("佐藤\u3000一郎")).isEqualTo("佐藤 一郎");
    }
}
