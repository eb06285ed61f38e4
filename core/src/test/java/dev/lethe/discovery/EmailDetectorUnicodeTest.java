package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Internationalized addresses (RFC 6531 local parts, IDN domains) are found whole or not at all:
 * never their ASCII tail, never with a letter cut off.
 */
class EmailDetectorUnicodeTest {

    private final EmailDetector detector = new EmailDetector();

    private List<String> values(String text) {
        return detector.detect(text).stream().map(Finding::normalizedValue).toList();
    }

    private List<String> spans(String text) {
        return detector.detect(text).stream().map(f -> text.substring(f.start(), f.end())).toList();
    }

    @Test
    void accentedLocalPartAndIdnDomainAreFoundWhole() {
        String text = "Écrivez à Zoë.Müller@bücher.de, merci.";
        assertThat(spans(text)).containsExactly("Zoë.Müller@bücher.de");
        assertThat(values(text)).containsExactly("zoë.müller@bücher.de");
    }

    @Test
    void upperCaseWithAccentedCapitalsKeepsItsFirstLetter() {
        assertThat(values("Contacto: JOSÉ.ÁLVAREZ@EXAMPLE.ES"))
                .containsExactly("josé.álvarez@example.es");
    }

    @Test
    void chineseAddressAndDomain() {
        assertThat(values("用户@例子.广告")).containsExactly("用户@例子.广告");
    }

    @Test
    void aLocalPartGluedToTheSentenceBeforeItIsNoAddress() {
        // kanji, hiragana and katakana mixed: the words before the address are in the candidate,
        // and where the address starts cannot be told
        assertThat(values("連絡はメールで山田@例え.jpまで")).isEmpty();
        assertThat(values("私のアドレスは田中@example.jpです")).isEmpty();
        // one writing system is a local part as written, also after a separator
        assertThat(spans("メール：山田@例え.jpまで")).containsExactly("山田@例え.jp");
        assertThat(values("すずき@例え.jp")).containsExactly("すずき@例え.jp");
        assertThat(values("サトウー@example.jp")).containsExactly("サトウー@example.jp");
        assertThat(values("이메일 서연@예시.한국")).containsExactly("서연@예시.한국");
        assertThat(EmailDetector.isEmail("会社のアドレスは鈴木@例え.jp")).isFalse();
    }

    @Test
    void aFullWidthAtIsRecordedAsAnAt() {
        String text = "連絡先：kenji.sato＠gmail.com（＠は半角に）";
        assertThat(spans(text)).containsExactly("kenji.sato＠gmail.com");
        assertThat(values(text)).containsExactly("kenji.sato@gmail.com");
        assertThat(EmailDetector.comparisonKey("Kenji.Sato＠Gmail.com"))
                .isEqualTo("kenji.sato@gmail.com");
    }

    @Test
    void anAddressSpelledOutIsRecordedPlain() {
        String text = "Mail me at jan.kowal [at] onet [dot] pl if the form fails.";
        assertThat(spans(text)).containsExactly("jan.kowal [at] onet [dot] pl");
        assertThat(values(text)).containsExactly("jan.kowal@onet.pl");
        assertThat(detector.detect(text).get(0).confidence())
                .isEqualTo(EmailDetector.SPELLED_OUT_CONFIDENCE);
        assertThat(values("kontakt: Anna(AT)Example.de, danke")).containsExactly("anna@example.de");
        assertThat(values("x {at} mail {dot} co {dot} uk")).containsExactly("x@mail.co.uk");
        // whole or not at all: no top-level domain, or a word glued to it
        assertThat(values("meet [at] noon")).isEmpty();
        assertThat(values("anna [at] example [dot] c0m")).isEmpty();
        assertThat(values("anna [at] example [dot] comé")).isEmpty();
        // a plain address next to it is found once
        assertThat(values("a@b.de (at) home")).containsExactly("a@b.de");
    }

    @Test
    void aLongRunBeforeABracketedAtIsReadInLinearTime() {
        String text = "x".repeat(200_000) + " [at] " + "y.".repeat(50_000);
        long t0 = System.nanoTime();
        assertThat(values(text)).isEmpty();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void decomposedAccentsAreRecordedComposed() {
        // "Zoe" + COMBINING DIAERESIS, "u" + COMBINING DIAERESIS: NFC in the value
        String text = "mail Zoe\u0308.Mu\u0308ller@bu\u0308cher.de";
        assertThat(spans(text)).containsExactly("Zoe\u0308.Mu\u0308ller@bu\u0308cher.de");
        assertThat(values(text)).containsExactly("zo\u00eb.m\u00fcller@b\u00fccher.de");
    }

    @Test
    void anApostropheInsideTheLocalPartIsPartOfIt() {
        assertThat(values("write to o'brien@example.ie today"))
                .containsExactly("o'brien@example.ie");
        // a quote around the address is not
        assertThat(values("'anna@gmx.de'")).containsExactly("anna@gmx.de");
    }

    @Test
    void asciiAddressNextToJapaneseOrKoreanTextIsFound() {
        assertThat(values("メールはsato@example.jpまでお願いします")).containsExactly("sato@example.jp");
        assertThat(values("サーバーadmin@example.jp")).containsExactly("admin@example.jp");
        assertThat(values("anna@example.com으로 보내 주세요")).containsExactly("anna@example.com");
        assertThat(values("連絡先：用户@例子.广告、よろしく")).containsExactly("用户@例子.广告");
    }

    @Test
    void punycodeTopLevelDomain() {
        assertThat(values("pishite na ivan@example.xn--p1ai"))
                .containsExactly("ivan@example.xn--p1ai");
    }

    // ---------------------------------------------------------------- whole or not at all

    @Test
    void aLetterTheAddressCannotHoldNextToItRejectsIt() {
        // a Cyrillic word glued to a Latin address: not a partial "anna@gmx.de"
        assertThat(detector.detect("почтаanna@gmx.de")).isEmpty();
        // a letter of another script, a digit or a joiner right after the top-level domain
        assertThat(detector.detect("anna@gmx.deж")).isEmpty();
        assertThat(detector.detect("anna@gmx.de7")).isEmpty();
        assertThat(detector.detect("anna@gmx.de\u200D")).isEmpty();
        assertThat(detector.detect("anna@gmx.de²")).isEmpty();
        // a joiner before the local part: part of something longer
        assertThat(detector.detect("x\u200Danna@gmx.de")).isEmpty();
        assertThat(detector.detect("x\u200Canna@gmx.de")).isEmpty();
        // a combining mark cannot start an address, nor may an address start after one
        assertThat(detector.detect("\u0301anna@gmx.de")).isEmpty();
    }

    @Test
    void mixedScriptsInOneLabelOrAtomAreRejected() {
        // Latin "a" and Cyrillic "а" (U+0430) in one label: a look-alike, not an address
        assertThat(detector.detect("anna@gm\u0430il.com")).isEmpty();
        assertThat(detector.detect("\u0430nna@gmail.com")).isEmpty();
    }

    @Test
    void aLocalPartLongerThan64OctetsIsNoAddress() {
        // 22 Han characters are 66 octets in UTF-8 (RFC 6531 keeps RFC 5321's 64-octet bound)
        assertThat(detector.detect("用".repeat(22) + "@例子.广告")).isEmpty();
        assertThat(detector.detect("用".repeat(21) + "@例子.广告")).hasSize(1);
        assertThat(detector.detect("a".repeat(65) + "@gmx.de")).isEmpty();
    }

    // ---------------------------------------------------------------- comparison

    @Test
    void addressesCompareByTheirDomainsAsciiFormAndCaseInsensitively() {
        assertThat(EmailDetector.comparisonKey("Zoë@Bücher.DE"))
                .isEqualTo(EmailDetector.comparisonKey("zoë@xn--bcher-kva.de"))
                .isEqualTo("zoë@xn--bcher-kva.de");
        assertThat(EmailDetector.comparisonKey("用户@例子.广告"))
                .isEqualTo(EmailDetector.comparisonKey("用户@XN--FSQU00A.XN--4RR70V"));
        // IDNA2003 would map ß to ss: a different domain, so it is compared as written
        assertThat(EmailDetector.comparisonKey("anna@straße.de"))
                .isNotEqualTo(EmailDetector.comparisonKey("anna@strasse.de"));
        // the local part is compared as written (composed), not folded to ASCII
        assertThat(EmailDetector.comparisonKey("zoe\u0308@example.com"))
                .isEqualTo(EmailDetector.comparisonKey("zoë@example.com"))
                .isNotEqualTo(EmailDetector.comparisonKey("zoe@example.com"));
    }

    @Test
    void theResolverFindsASubjectByEitherFormOfItsDomain() {
        SubjectResolver resolver = new SubjectResolver();
        resolver.register(
                "contact:7", dev.lethe.catalog.IdentifierKind.EMAIL, "zoë@xn--bcher-kva.de");
        Finding inText = detector.detect("an Zoë@Bücher.de").get(0);
        assertThat(resolver.resolve(inText)).containsExactly("contact:7");
    }

    @Test
    void isEmailAcceptsInternationalizedAddresses() {
        assertThat(EmailDetector.isEmail("Zoë.Müller@bücher.de")).isTrue();
        assertThat(EmailDetector.isEmail("用户@例子.广告")).isTrue();
        assertThat(EmailDetector.isEmail("почтаanna@gmx.de")).isFalse();
    }
}
