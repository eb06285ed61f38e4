package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SocialHandleDetectorTest {

    private static List<String> handles(String text) {
        return new SocialHandleDetector()
                .detect(text).stream().map(Finding::normalizedValue).toList();
    }

    private static List<String> spans(String text) {
        return new SocialHandleDetector()
                .detect(text).stream().map(f -> text.substring(f.start(), f.end())).toList();
    }

    @Test
    void dotsInsideAHandleOfAPlatformThatAllowsThem() {
        assertThat(
                        handles(
                                "Hab euch schon auf Insta geschrieben (@anna.mueller.design) aber"
                                        + " keine Antwort."))
                .containsExactly("@anna.mueller.design");
        assertThat(handles("Os he escrito por Instagram (@lucia.fg) y por Twitter (@luciafg_)."))
                .containsExactly("@lucia.fg", "@luciafg_");
        assertThat(handles("인스타(@minjun.kim_)랑 트위터(@minjun_kr)로도 문의했어요."))
                .containsExactly("@minjun.kim_", "@minjun_kr");
        assertThat(handles("Pisałam też na Instagramie (@maja.zielinska) i na Twitterze."))
                .containsExactly("@maja.zielinska");
        assertThat(handles("My TikTok is @Sam.Patel.Official"))
                .containsExactly("@sam.patel.official");
        assertThat(handles("@anna.mueller.design on Instagram"))
                .containsExactly("@anna.mueller.design");
    }

    @Test
    void aTrailingDotIsTheSentencesFullStop() {
        String text = "Schreib mir auf Instagram: @anna.mueller.";
        assertThat(spans(text)).containsExactly("@anna.mueller");
        assertThat(handles("Schreib mir auf Instagram an @anna_m.")).containsExactly("@anna_m");
        assertThat(handles("Instagram: @anna..mueller")).isEmpty();
    }

    @Test
    void withoutSuchAPlatformADottedNameIsADomainNotAHandle() {
        assertThat(handles("write to @example.com or @gmx.de, or pay @10")).isEmpty();
        assertThat(handles("Twitter: @anna.mueller")).isEmpty();
        // the handle's own letters name no platform
        assertThat(handles("see @ig.shop or @insta.gram")).isEmpty();
    }

    @Test
    void emailsStayEmailsNearAPlatformName() {
        assertThat(handles("Instagram? No, write to anna.mueller@gmx.de or user@host please"))
                .isEmpty();
        assertThat(handles("Instagram oder Mail an info@anna.design")).isEmpty();
        assertThat(handles("インスタのアカウントは鈴木@example.jpです")).isEmpty();
    }

    @Test
    void aHandleInHanOrAnotherScriptIsAHandle() {
        assertThat(handles("我在微博@爱旅行的小芳 和推特 @wangfang_trip 都给你们留言了。"))
                .containsExactly("@爱旅行的小芳", "@wangfang_trip");
        assertThat(handles("微博：@小芳，谢谢")).containsExactly("@小芳");
        assertThat(handles("インスタ@さくら_旅 を見てください")).containsExactly("@さくら_旅");
    }

    @Test
    void theDomainOfAnEmailInAnyScriptIsNoHandle() {
        assertThat(handles("会社のアドレスは鈴木@例え.jpです。")).isEmpty();
        assertThat(handles("회사 메일 주소는 서연@예시.한국 입니다.")).isEmpty();
        assertThat(handles("Пишите мне лучше на катя@почта.рф, рабочая почта")).isEmpty();
        assertThat(handles("بريدي الإلكتروني الجديد: أحمد@مثال.امارات")).isEmpty();
        assertThat(handles("المايل: user@مثال")).isEmpty();
    }
}
