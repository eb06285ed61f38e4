package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentCardDetectorTest {

    private static List<String> cards(String text) {
        return new PaymentCardDetector()
                .detect(text).stream().map(Finding::normalizedValue).toList();
    }

    @Test
    void mirCardsAreInTheRange2200To2204() {
        assertThat(cards("Оплатила картой «Мир» 2200 0000 0000 0004, деньги списали дважды"))
                .containsExactly("2200000000000004");
        assertThat(cards("карта 2204 0000 0000 0000")).containsExactly("2204000000000000");
        // Mir issues 16 to 19 digits
        assertThat(cards("карта 2204123456789012343")).containsExactly("2204123456789012343");
        assertThat(new PaymentCardDetector().detect("карта 2204 0000 0000 0000").get(0).reason())
                .contains("Mir");
        // outside the range, or failing Luhn
        assertThat(cards("карта 2205 0000 0000 0009")).isEmpty();
        assertThat(cards("Сначала ввёл 2200 0000 0000 0005 — система не приняла")).isEmpty();
    }

    @Test
    void troyCardsStartWith9792() {
        assertThat(cards("Troy kartımla (9792 0300 0000 0000) ödeme yaptım"))
                .containsExactly("9792030000000000");
        assertThat(cards("kart 9792123456789018")).containsExactly("9792123456789018");
        assertThat(new PaymentCardDetector().detect("kart 9792123456789018").get(0).reason())
                .contains("Troy");
        assertThat(cards("kart 9793 0000 0000 0002")).isEmpty();
    }

    @Test
    void digitsGluedToAWordOfAnotherScriptAreACard() {
        assertThat(cards("マスターカード5555 5555 5555 4444（有効期限12/26）を削除してください。"))
                .containsExactly("5555555555554444");
        assertThat(cards("我用银联卡6200 0000 0000 0005支付了¥1,299，但是被扣了两次。"))
                .containsExactly("6200000000000005");
        assertThat(cards("高橋様のダイナースカード3622 720627 1667で決済エラー。")).containsExactly("36227206271667");
        assertThat(cards("оплатил картой4111111111111111сегодня"))
                .containsExactly("4111111111111111");
        assertThat(cards("카드5105105105105100로 결제")).containsExactly("5105105105105100");
    }

    @Test
    void digitsGluedToLatinLettersOrDigitsAreStillNoCard() {
        assertThat(cards("INV4111111111111111")).isEmpty();
        assertThat(cards("4111111111111111abc")).isEmpty();
        assertThat(cards("x4111 1111 1111 1111")).isEmpty();
        assertThat(cards("ＩＤ4111111111111111")).isEmpty();
    }

    @Test
    void gluedNumbersAfterAReferenceLabelOrFailingLuhnAreStillNoCard() {
        assertThat(cards("注文番号4111111111111111を確認してください")).isEmpty();
        assertThat(cards("追跡番号は6234567890123です")).isEmpty();
        assertThat(cards("订单号6200000000000005已发货")).isEmpty();
        assertThat(cards("カード4111111111111112で")).isEmpty();
    }

    @Test
    void aGluedCardIsStoredMaskedLikeAnyOther() {
        List<Finding> found = new PaymentCardDetector().detect("银联卡6200 0000 0000 0005支付");
        assertThat(found).hasSize(1);
        assertThat(PaymentCardDetector.masked(found.get(0).normalizedValue()))
                .isEqualTo("620000******0005");
        assertThat(found.get(0).reason()).doesNotContain("6200");
    }
}
