package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.discovery.KnownSubjectNames.NameMatch;
import dev.lethe.discovery.KnownSubjectNames.Part;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownSubjectNamesTest {

    private static KnownSubjectNames dictionary() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:1", "Anna", "Müller");
        names.register("contact:2", "Łukasz", "Wójcik-Nowak");
        names.register("contact:3", "一郎", "佐藤");
        names.register("contact:4", "Anna", "Berg");
        names.register("contact:5", "蓮", "林");
        return names;
    }

    @Test
    void fullNameIsFoundWhateverTheCaseAndDiacritics() {
        String text = "Kind regards\nanna MULLER and Lukasz Wojcik-Nowak";
        List<NameMatch> found = dictionary().match(text);
        assertThat(found).hasSize(2);
        assertThat(found.get(0).subjects()).containsOnlyKeys("contact:1");
        assertThat(found.get(0).finding().normalizedValue()).isEqualTo("Anna Müller");
        assertThat(text.substring(found.get(1).finding().start(), found.get(1).finding().end()))
                .isEqualTo("Lukasz Wojcik-Nowak");
        assertThat(found.get(1).subjects()).containsEntry("contact:2", Part.FULL);
    }

    @Test
    void aFirstNameAloneMustBeCapitalisedAndMatchesEveryoneCalledSo() {
        KnownSubjectNames names = dictionary();
        List<NameMatch> found = names.match("Thanks, Anna. anna is lower case.");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).subjects()).containsOnlyKeys("contact:1", "contact:4");
        assertThat(found.get(0).finding().confidence()).isLessThan(0.6);
    }

    @Test
    void namesMatchWholeWordsOnly() {
        assertThat(dictionary().match("Annabelle Bergmann wrote")).isEmpty();
    }

    @Test
    void japaneseFullNameWithoutSpacesInsideJapaneseText() {
        String text = "佐藤一郎と申します。長年利用しています。";
        List<NameMatch> found = dictionary().match(text);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).finding().start()).isZero();
        assertThat(found.get(0).finding().end()).isEqualTo(4);
        assertThat(found.get(0).subjects()).containsEntry("contact:3", Part.FULL);
    }

    @Test
    void japaneseFamilyNameAloneNeedsAnHonorificOrToStandApart() {
        KnownSubjectNames names = dictionary();
        assertThat(names.match("佐藤様、お問い合わせありがとうございます。")).hasSize(1);
        assertThat(names.match("passport_佐藤_一郎.pdf")).hasSize(2);
        // 林 (a family name) inside ordinary Japanese words is not a name
        assertThat(names.match("森林の写真を送ります。")).isEmpty();
    }

    @Test
    void forgottenSubjectsAreNoLongerFound() {
        KnownSubjectNames names = dictionary();
        names.forget("contact:1");
        List<NameMatch> found = names.match("Anna Müller and Anna");
        // only contact 4's first name is left
        assertThat(found).hasSize(2);
        assertThat(found).allSatisfy(m -> assertThat(m.subjects()).containsOnlyKeys("contact:4"));
        names.forget("contact:4");
        assertThat(names.match("Anna Müller and Anna")).isEmpty();
        assertThat(names.subjects()).isEqualTo(3);
    }

    @Test
    void reRegisteringReplacesTheOldName() {
        KnownSubjectNames names = dictionary();
        names.register("contact:1", "Anna", "Schmidt");
        assertThat(names.subjectsNamed("Anna Müller")).isEmpty();
        assertThat(names.subjectsNamed("anna schmidt")).containsOnlyKeys("contact:1");
    }

    @Test
    void aNameBeyondTheBoundIsNoEntryButTheSubjectsOtherPartsAre() {
        KnownSubjectNames names = new KnownSubjectNames();
        String huge = "Ab".repeat(100_000);
        names.register("contact:1", "Anna", huge);
        assertThat(names.subjectsNamed(huge)).isEmpty();
        assertThat(names.subjectsNamed("Anna " + huge)).isEmpty();
        assertThat(names.subjectsNamed("Anna")).containsOnlyKeys("contact:1");
        assertThat(names.match(huge + " and Anna")).hasSize(1);

        String eleven = "Maria de los Angeles del Carmen y de la Santa Cruz";
        names.register("contact:2", eleven, "Lopez");
        assertThat(names.subjectsNamed(eleven)).isEmpty();
        assertThat(names.subjectsNamed("Lopez")).containsOnlyKeys("contact:2");
        String ten = "Maria de los Angeles del Carmen de la Santa Cruz";
        names.register("contact:3", ten, null);
        assertThat(names.subjectsNamed(ten)).containsOnlyKeys("contact:3");
        assertThat(names.match("Dear " + ten + ",")).hasSize(1);

        names.register("contact:4", "一".repeat(21), "佐藤");
        assertThat(names.subjectsNamed("一".repeat(21))).isEmpty();
        assertThat(names.subjectsNamed("佐藤")).containsOnlyKeys("contact:4");
    }

    @Test
    void forgettingPrunesTheTrieButKeepsNamesSharingItsPrefix() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:1", "Anna", "Maria Berg");
        names.register("contact:2", "Anna", "Maria");
        names.forget("contact:2");
        assertThat(names.match("Anna Maria Berg")).hasSize(1);
        assertThat(names.match("Anna Maria Berg").get(0).subjects()).containsOnlyKeys("contact:1");
        names.forget("contact:1");
        assertThat(names.match("Anna Maria Berg")).isEmpty();
        assertThat(names.subjects()).isZero();
        names.register("contact:3", "Berg", null);
        assertThat(names.match("Anna Maria Berg")).hasSize(1);
    }
}
