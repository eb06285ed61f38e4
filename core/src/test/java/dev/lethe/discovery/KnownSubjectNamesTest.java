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

    @Test
    void koreanFullNameFamilyNameFirstWithOrWithoutAnHonorific() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:251", "민준", "김");
        names.register("contact:252", "서연", "이");
        names.register("agent:14", "정수민", null);
        String text = "김민준님, 문의 감사합니다. 이서연 고객님 건은 처리했습니다.\n상담원 정수민";
        List<NameMatch> found = names.match(text);
        assertThat(found)
                .extracting(m -> m.finding().normalizedValue())
                .containsExactly("김민준", "이서연", "정수민");
        assertThat(found.get(0).subjects()).containsEntry("contact:251", Part.FULL);
        assertThat(found.get(2).subjects()).containsEntry("agent:14", Part.FULL);
        assertThat(text.substring(found.get(0).finding().start(), found.get(0).finding().end()))
                .isEqualTo("김민준");
        assertThat(names.match("김 민준 고객님")).hasSize(1);
        assertThat(names.match("김민준이 전화했어요")).hasSize(1);
    }

    @Test
    void aKoreanFirstNameAloneOnlyBeforeAnHonorific() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:251", "민준", "김");
        assertThat(names.match("민준 씨가 주소 변경 요청함.")).hasSize(1);
        assertThat(names.match("민준님 안녕하세요")).hasSize(1);
        assertThat(names.match("민준 주소 변경")).isEmpty();
        // inside a word, or a one-syllable family name alone
        assertThat(names.match("김민준수 씨")).isEmpty();
        assertThat(names.match("김 씨")).isEmpty();
        assertThat(names.match("정민준님")).isEmpty();
    }

    @Test
    void greekCapitalsFoldLikeTheFinalSigma() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:191", "Γιώργος", "Παπαδόπουλος");
        List<NameMatch> found = names.match("ΟΝΟΜΑ: ΓΙΩΡΓΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ, ΑΘΗΝΑ");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).finding().normalizedValue()).isEqualTo("Γιώργος Παπαδόπουλος");
        assertThat(names.match("Ο κ. Παπαδόπουλος")).hasSize(1);
    }

    @Test
    void aFirstNameAloneInAScriptWithoutCapitalsAfterAWordOfAddress() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:211", "محمد", "العتيبي");
        names.register("contact:221", "נועה", "כהן");
        names.register("agent:12", "אבי", "מזרחי");
        assertThat(names.match("مرحباً محمد، تم شحن طلبك")).hasSize(1);
        assertThat(names.match("שלום נועה, המשלוח יצא היום")).hasSize(1);
        assertThat(names.match("תודה אבי! המייל שלי")).hasSize(1);
        // in the middle of a sentence a word that is also a name is not one
        assertThat(names.match("אבי התקשר אליי אתמול ואמר שהחבילה הגיעה")).isEmpty();
        assertThat(names.match("اتصل محمد بالأمس")).isEmpty();
    }

    @Test
    void aHebrewWholeNameWithAPrefixGluedToIt() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:221", "נועה", "כהן");
        String text = "החבילה שנשלחה לנועה כהן הגיעה לשכנה";
        List<NameMatch> found = names.match(text);
        assertThat(found).hasSize(1);
        assertThat(text.substring(found.get(0).finding().start(), found.get(0).finding().end()))
                .isEqualTo("נועה כהן");
        // a first name alone with a prefix is not taken
        assertThat(names.match("החבילה שנשלחה לנועה הגיעה")).isEmpty();
    }

    @Test
    void aFirstNameAloneAsTheTextsSignature() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:124", "Océane", "Girard");
        names.register("contact:223", "מיכל", "אברהם");
        assertThat(names.match("merci de contacter ma collègue pour la facturation. océane"))
                .extracting(m -> m.finding().normalizedValue())
                .containsExactly("Océane");
        assertThat(names.match("המייל שלי והנייד 052-3456789. מיכל")).hasSize(1);
        assertThat(names.match("Merci.\nocéane\n")).hasSize(1);
        // not the last word, or not after a sentence's end
        assertThat(names.match("merci. océane a appelé")).isEmpty();
        assertThat(names.match("je suis océane")).isEmpty();
        assertThat(names.match("océane")).isEmpty();
    }

    private static KnownSubjectNames inflecting() {
        KnownSubjectNames names = new KnownSubjectNames();
        names.register("contact:161", "Zofia", "Wiśniewska");
        names.register("contact:162", "Krzysztof", "Nowak");
        names.register("agent:15", "Pavel", "Dvořák");
        names.register("contact:191", "Γιώργος", "Παπαδόπουλος");
        names.register("contact:193", "Ελένη", "Γεωργίου");
        names.register("contact:203", "Дмитрий", "Кузнецов");
        return names;
    }

    private static List<String> values(KnownSubjectNames names, String text) {
        return names.match(text).stream().map(m -> m.finding().normalizedValue()).toList();
    }

    @Test
    void aNameInflectedAfterATitleOfAddressIsTheRegisteredName() {
        KnownSubjectNames names = inflecting();
        assertThat(values(names, "Dzień dobry Pani Zofio, dziękuję")).containsExactly("Zofia");
        assertThat(values(names, "Szanowny Panie Krzysztofie,")).containsExactly("Krzysztof");
        assertThat(values(names, "Dobrý den, pane Dvořáku, děkuji")).containsExactly("Dvořák");
        assertThat(values(names, "Αγαπητέ κύριε Παπαδόπουλε,")).containsExactly("Παπαδόπουλος");
        assertThat(values(names, "Μίλησα με τον κ. Παπαδόπουλο, συμφώνησε"))
                .containsExactly("Παπαδόπουλος");
        NameMatch m = names.match("pane Dvořáku").get(0);
        assertThat(m.subjects()).containsEntry("agent:15", Part.LAST);
        assertThat(m.finding().reason()).contains("inflected").doesNotContain("Dvoř");
    }

    @Test
    void aWholeNameInflectedInBothWords() {
        KnownSubjectNames names = inflecting();
        assertThat(values(names, "Дмитрию Кузнецову\nПрошу вернуть деньги"))
                .containsExactly("Дмитрий Кузнецов");
        assertThat(values(names, "η παραγγελία είναι στο όνομα της Ελένης Γεωργίου."))
                .containsExactly("Ελένη Γεωργίου");
        NameMatch m = names.match("Дмитрию Кузнецову").get(0);
        assertThat(m.subjects()).containsEntry("contact:203", Part.FULL);
    }

    @Test
    void anInflectedFormNeedsATitleOrTheWholeNameAndOneReading() {
        KnownSubjectNames names = inflecting();
        // without a title, one word that merely could be a form is not taken
        assertThat(names.match("Zofio, Krzysztofie i Dvořáku")).isEmpty();
        assertThat(names.match("Кузнецову позвонили")).isEmpty();
        // two registered names it could be a form of: none of them
        assertThat(names.match("Panie Krzysztofie")).hasSize(1);
        names.register("contact:9", "Krzysztofi", "Kowal");
        assertThat(names.match("Panie Krzysztofie")).isEmpty();
        // a capital letter is still needed
        assertThat(names.match("pani zofio")).isEmpty();
    }
}
