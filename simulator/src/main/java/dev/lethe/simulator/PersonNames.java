package dev.lethe.simulator;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import net.datafaker.Faker;

/** Names as people write them, and their ASCII forms for addresses and handles. */
final class PersonNames {

    /** A person's name: as written, and romanised/ASCII-folded for email local parts. */
    record PersonName(String first, String last, String asciiFirst, String asciiLast) {}

    private record Romanised(String written, String ascii) {}

    // datafaker's ja names have no readings; these carry the romaji an address is built from
    private static final List<Romanised> JA_LAST =
            romanised(
                    "佐藤:sato 鈴木:suzuki 高橋:takahashi 田中:tanaka 伊藤:ito 渡辺:watanabe 山本:yamamoto"
                            + " 中村:nakamura 小林:kobayashi 加藤:kato 吉田:yoshida 山田:yamada 佐々木:sasaki"
                            + " 山口:yamaguchi 松本:matsumoto 井上:inoue 木村:kimura 林:hayashi 斎藤:saito"
                            + " 清水:shimizu 山崎:yamazaki 森:mori 池田:ikeda 橋本:hashimoto 阿部:abe"
                            + " 石川:ishikawa 前田:maeda 藤田:fujita 小川:ogawa 岡田:okada 後藤:goto"
                            + " 長谷川:hasegawa 村上:murakami 近藤:kondo 坂本:sakamoto 遠藤:endo 青木:aoki"
                            + " 藤井:fujii 西村:nishimura 福田:fukuda 太田:ota 三浦:miura 藤原:fujiwara"
                            + " 松田:matsuda 中川:nakagawa 原田:harada 小野:ono 竹内:takeuchi");
    private static final List<Romanised> JA_FIRST =
            romanised(
                    "翔太:shota 大輔:daisuke 健太:kenta 拓也:takuya 直樹:naoki 陽翔:haruto 蓮:ren"
                            + " 悠真:yuma 湊:minato 大樹:daiki 一郎:ichiro 誠:makoto 浩:hiroshi 隆:takashi"
                            + " 健一:kenichi 亮:ryo 学:manabu 剛:tsuyoshi 翼:tsubasa 海斗:kaito 陽菜:hina"
                            + " 結衣:yui 美咲:misaki さくら:sakura 葵:aoi 愛子:aiko 恵子:keiko 由美:yumi"
                            + " 直子:naoko 明美:akemi 裕子:yuko 真由美:mayumi 美穂:miho 彩:aya 香織:kaori"
                            + " 舞:mai 智子:tomoko 結菜:yuna 花:hana 七海:nanami");

    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^a-z0-9]+");

    private PersonNames() {}

    static PersonName next(ContactLocale locale, Faker faker, Random random) {
        if (locale.japanese()) {
            Romanised first = JA_FIRST.get(random.nextInt(JA_FIRST.size()));
            Romanised last = JA_LAST.get(random.nextInt(JA_LAST.size()));
            return new PersonName(first.written(), last.written(), first.ascii(), last.ascii());
        }
        String first = faker.name().firstName();
        String last = faker.name().lastName();
        return new PersonName(
                first, last, ascii(first, locale.language()), ascii(last, locale.language()));
    }

    /**
     * How the full name is written in running text: "Anna Müller", or family name first without a
     * space for Japanese ("佐藤一郎").
     */
    static String fullName(String first, String last, boolean japanese) {
        return japanese ? last + first : first + " " + last;
    }

    /**
     * Lower-case ASCII letters and digits only: "Łukasz Wójcik-Nowak" becomes "lukaszwojciknowak".
     */
    static String ascii(String name, String language) {
        String s = name.toLowerCase(Locale.ROOT);
        if (language.equals("de")) {
            s = s.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue");
        }
        s =
                s.replace("ß", "ss")
                        .replace("ł", "l")
                        .replace("ø", "o")
                        .replace("æ", "ae")
                        .replace("œ", "oe")
                        .replace("đ", "d")
                        .replace("ı", "i");
        s = COMBINING_MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        s = NOT_ALNUM.matcher(s).replaceAll("");
        return s.isEmpty() ? "kunde" : s;
    }

    private static List<Romanised> romanised(String pairs) {
        return java.util.Arrays.stream(pairs.trim().split("\\s+"))
                .map(p -> p.split(":"))
                .map(p -> new Romanised(p[0], p[1]))
                .toList();
    }
}
