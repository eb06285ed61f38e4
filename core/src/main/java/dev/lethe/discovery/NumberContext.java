package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the words right before a number say it is, in the languages the helpdesk serves: a phone
 * number ({@code Tel.}, {@code Telefon-Nr.}, {@code 電話}, {@code appelez}, {@code ring}), the number
 * of something else ({@code Order #}, {@code Bestellung Nr.}, {@code commande n°}, {@code 注文番号},
 * {@code заказ №}), or nothing.
 *
 * <p>Read in the {@value #LOOKBACK} characters before the number on its line, lower-cased. The
 * label that ends nearest to the number decides:
 *
 * <ul>
 *   <li>a reference label (order, invoice, ticket, reference, tracking, customer, contract,
 *       request, incident, …) with nothing but {@linkplain #FILLERS fillers} between it and the
 *       number ({@code #}, {@code Nr.}, {@code number}, {@code is}, {@code 番号は}, …): {@link
 *       Kind#REFERENCE};
 *   <li>a phone label with at most {@value #MAX_WORDS_AFTER_PHONE_LABEL} other words and no digit
 *       between it and the number ({@code call me at}, {@code Rufen Sie mich unter}): {@link
 *       Kind#PHONE_LABEL};
 *   <li>otherwise a word for "number" alone ({@code numer:}, {@code číslo}, {@code my number is}):
 *       {@link Kind#PHONE_LABEL}; and a digit run right after {@code #}, {@code №}, {@code No.},
 *       {@code Nr.}, {@code n°} with no label before: {@link Kind#REFERENCE}.
 * </ul>
 *
 * <p>Labels of scripts written with spaces match whole words, or words starting with them for stems
 * ({@code telef…}, {@code bestel…}); those of scripts without spaces (Han, kana, Hangul, Thai)
 * match anywhere. Pure; never logs.
 */
final class NumberContext {

    /** What the context says the number is. */
    enum Kind {
        /** A phone label is right before it. */
        PHONE_LABEL,
        /** It is the number of an order, invoice, ticket, … or comes right after {@code #}. */
        REFERENCE,
        /** Nothing either way. */
        NONE
    }

    /** Characters before the number (on its line) the context is read in. */
    static final int LOOKBACK = 48;

    /** Words other than fillers allowed between a phone label and the number. */
    static final int MAX_WORDS_AFTER_PHONE_LABEL = 3;

    private enum LabelKind {
        PHONE,
        REFERENCE,
        NUMBER
    }

    /** A label; {@code stem}: the word may go on ({@code telef} in {@code telefonnummer}). */
    private record Label(String text, LabelKind kind, boolean stem, boolean spaced) {}

    /** Phone labels; a trailing {@code *} marks a stem. */
    private static final List<String> PHONE_LABELS =
            List.of(
                    // Latin-script languages
                    "tel",
                    "tél",
                    "telef*",
                    "teléf*",
                    "teleph*",
                    "téléph*",
                    "tlf",
                    "tfn",
                    "tf",
                    "ph",
                    "phone*",
                    "fon",
                    "fone",
                    "fax",
                    "mob",
                    "mobil*",
                    "móvil*",
                    "movil*",
                    "cell*",
                    "cel",
                    "portable",
                    "handy*",
                    "ruf*",
                    "anruf*",
                    "rückruf*",
                    "erreichbar*",
                    "call",
                    "appel*",
                    "joindre",
                    "joign*",
                    "llam*",
                    "llám*",
                    "chiam*",
                    "ligue",
                    "ligar",
                    "liga",
                    "ring",
                    "ringa",
                    "ringer",
                    "bel",
                    "zadzwo*",
                    "dzwo*",
                    "komórk*",
                    "zavolej*",
                    "volejte",
                    "puhel*",
                    "whatsapp*",
                    "sms",
                    "cep",
                    "đt",
                    "sđt",
                    "điện thoại",
                    "gọi",
                    // Greek, Cyrillic, Arabic, Hebrew, Devanagari
                    "τηλ*",
                    "κινητ*",
                    "тел*",
                    "моб*",
                    "звон*",
                    "позвон*",
                    "هاتف",
                    "الهاتف",
                    "جوال",
                    "الجوال",
                    "تلفون",
                    "موبايل",
                    "اتصل",
                    "טלפון",
                    "טל",
                    "נייד",
                    "פלאפון",
                    "फ़ोन",
                    "फोन",
                    "मोबाइल",
                    // scripts without spaces
                    "電話",
                    "电话",
                    "携帯",
                    "手机",
                    "手機",
                    "連絡先",
                    "전화",
                    "휴대폰",
                    "핸드폰",
                    "연락처",
                    "โทร",
                    "เบอร์");

    /** Labels of the numbers of other things. */
    private static final List<String> REFERENCE_LABELS =
            List.of(
                    "order*",
                    "ordre",
                    "invoice*",
                    "ticket*",
                    "referen*",
                    "referên*",
                    "référen*",
                    "riferim*",
                    "ref",
                    "réf",
                    "track*",
                    "case",
                    // the requests of data subjects and the cases of support desks
                    // the noun only: "Callback requested: 07408 536424" is a phone
                    "request",
                    "requests",
                    "req",
                    "dsr",
                    "dsar",
                    "incident*",
                    "inc",
                    "anfrage*",
                    "antrag*",
                    "ersuch*",
                    "demande*",
                    "requête*",
                    "solicitud*",
                    "richiest*",
                    "aanvra*",
                    "verzoek*",
                    "ärende*",
                    "zgłosze*",
                    "wnios*",
                    "žádost*",
                    "booking*",
                    "reserv*",
                    "réserv*",
                    "account*",
                    "konto*",
                    "customer*",
                    "member*",
                    "mitglied*",
                    "adhérent*",
                    "socio",
                    "członk*",
                    "kundnummer*",
                    "kundnr",
                    "kunden*",
                    "client*",
                    "contract*",
                    "contrat*",
                    "contratt*",
                    "vertrag*",
                    "serial*",
                    "serien*",
                    "transac*",
                    "transakt*",
                    "shipm*",
                    "parcel*",
                    "receipt*",
                    "claim*",
                    "id",
                    "sku",
                    "bestel*",
                    "bestil*",
                    "beställ*",
                    "auftrag*",
                    "rechnung*",
                    "sendung*",
                    "buchung*",
                    "vorgang*",
                    "aktenz*",
                    "liefer*",
                    "paket*",
                    "command*",
                    "factu*",
                    "fattur*",
                    "fatur*",
                    "faktur*",
                    "dossier*",
                    "colis",
                    "suivi",
                    "pedido*",
                    "seguim*",
                    "envío",
                    "envio",
                    "spediz*",
                    "pratica",
                    "encomend*",
                    "zamówien*",
                    "zamowien*",
                    "zlecen*",
                    "przesyłk*",
                    "przesylk*",
                    "przewoz*",
                    "umow*",
                    "objednávk*",
                    "objednavk*",
                    "zásilk*",
                    "zasilk*",
                    "smlouv*",
                    "sipariş*",
                    "siparis*",
                    "заказ*",
                    "счет*",
                    "счёт*",
                    "накладн*",
                    "трек*",
                    "договор*",
                    "παραγγελ*",
                    "τιμολ*",
                    "طلب",
                    "الطلب",
                    "فاتورة",
                    "الفاتورة",
                    "הזמנה",
                    "חשבונית",
                    // scripts without spaces
                    "注文",
                    "会員",
                    "会员",
                    "會員",
                    "회원",
                    "订单",
                    "訂單",
                    "单号",
                    "單號",
                    "請求",
                    "伝票",
                    "予約",
                    "追跡",
                    "受付",
                    "发票",
                    "發票",
                    "快递",
                    "运单",
                    "運單",
                    "주문",
                    "송장",
                    "예약",
                    "청구",
                    "คำสั่งซื้อ",
                    "ใบแจ้งหนี้");

    /** Words for "number": a phone label when no other label comes before them. */
    private static final List<String> NUMBER_WORDS =
            List.of(
                    "numer", "číslo", "number", "nummer", "numéro", "número", "numero", "номер",
                    "αριθμός", "رقم", "מספר", "番号", "번호", "号码", "號碼");

    /**
     * Words that may stand between a label and its number without changing what it labels (markers
     * such as {@code #} and {@code Nr.}, words for "number", "is").
     */
    static final Set<String> FILLERS =
            Set.of(
                    "no", "nr", "n", "č", "nº", "n°", "º", "°", "#", "№", "num", "núm", "nro",
                    "number", "nummer", "numéro", "número", "numero", "numer", "numeru", "číslo",
                    "čísla", "номер", "αριθμός", "αρ", "رقم", "מספר", "id", "is", "ist", "est",
                    "es", "è", "är", "er", "jest", "je", "lautet", "was", "de", "du", "del", "di",
                    "do", "da", "of");

    /** Fillers glued to a label in scripts without spaces ({@code 注文番号は}). */
    private static final List<String> UNSPACED_FILLERS =
            List.of(
                    "番号", "号码", "號碼", "编号", "編號", "号", "號", "번호", "は", "の", "은", "는", "이", "가",
                    "เลขที่");

    private static final List<Label> LABELS = labels();

    /** {@code #}, {@code №}, {@code No.}, {@code Nr.}, {@code n°} ending the context. */
    private static final Pattern MARKER_AT_END =
            Pattern.compile(
                    "(?:#|№|(?<!\\p{L})(?:n[°º]|n\\.\\s?º|nr\\.?|no\\.|nro\\.|núm\\.|n\\.|č\\.))"
                            + "[\\s:：]*$");

    private NumberContext() {}

    /** What the text before {@code start} (on the same line) says the number there is. */
    static Kind before(String text, int start) {
        return read(text, start).kind();
    }

    /**
     * Whether a reference label (order, invoice, tracking, customer, … not a bare {@code #} or
     * {@code Nr.}) is right before {@code start}: what rejects a card number too.
     */
    static boolean afterReferenceLabel(String text, int start) {
        Reading r = read(text, start);
        return r.byLabel() && r.kind() == Kind.REFERENCE;
    }

    /** What the context says, and whether a label (rather than a marker alone) said it. */
    private record Reading(Kind kind, boolean byLabel) {}

    private static Reading read(String text, int start) {
        int lineStart = text.lastIndexOf('\n', start - 1) + 1;
        int from = Math.max(lineStart, start - LOOKBACK);
        boolean cutInWord = from > lineStart && Character.isLetter(text.charAt(from - 1));
        String context = text.substring(from, start).toLowerCase(Locale.ROOT);
        int labelEnd = -1;
        LabelKind labelKind = null;
        int numberEnd = -1;
        for (Label label : LABELS) {
            int end = lastEnd(context, label, cutInWord);
            if (end < 0) {
                continue;
            }
            if (label.kind() == LabelKind.NUMBER) {
                numberEnd = Math.max(numberEnd, end);
            } else if (end > labelEnd) {
                labelEnd = end;
                labelKind = label.kind();
            }
        }
        if (labelKind != null) {
            String gap = context.substring(labelEnd);
            if (labelKind == LabelKind.REFERENCE && fillersOnly(gap)) {
                return new Reading(Kind.REFERENCE, true);
            }
            if (labelKind == LabelKind.PHONE && shortGap(gap)) {
                return new Reading(Kind.PHONE_LABEL, true);
            }
        }
        if (numberEnd > labelEnd && fillersOnly(context.substring(numberEnd))) {
            return new Reading(Kind.PHONE_LABEL, true);
        }
        return new Reading(
                MARKER_AT_END.matcher(context).find() ? Kind.REFERENCE : Kind.NONE, false);
    }

    /** The end of the last whole-word occurrence of {@code label} in {@code context}, or -1. */
    private static int lastEnd(String context, Label label, boolean cutInWord) {
        String t = label.text();
        for (int i = context.lastIndexOf(t); i >= 0; i = context.lastIndexOf(t, i - 1)) {
            int end = i + t.length();
            if (!label.spaced()) {
                return end;
            }
            boolean startsWord =
                    i == 0 ? !cutInWord : !WordSpacing.isWordChar(context.charAt(i - 1));
            if (!startsWord) {
                continue;
            }
            if (label.stem()) {
                while (end < context.length() && WordSpacing.isWordChar(context.charAt(end))) {
                    end++;
                }
                return end;
            }
            if (end == context.length() || !WordSpacing.isWordChar(context.charAt(end))) {
                return end;
            }
        }
        return -1;
    }

    /** Whether {@code gap} holds only fillers (and separators), no digit. */
    private static boolean fillersOnly(String gap) {
        List<String> words = words(gap);
        return words != null && words.isEmpty();
    }

    /** Whether {@code gap} holds no digit and at most a few words besides fillers. */
    private static boolean shortGap(String gap) {
        List<String> words = words(gap);
        return words != null && words.size() <= MAX_WORDS_AFTER_PHONE_LABEL && gap.length() <= 32;
    }

    /** The words of {@code gap} that are not fillers; null if it holds a digit. */
    private static List<String> words(String gap) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= gap.length(); i++) {
            char c = i < gap.length() ? gap.charAt(i) : ' ';
            if (Character.isDigit(c)) {
                return null;
            }
            if (WordSpacing.isWordChar(c) || c == '#' || c == '№' || c == '°' || c == 'º') {
                word.append(c);
                continue;
            }
            if (word.length() > 0) {
                String w = word.toString();
                if (!FILLERS.contains(w) && !unspacedFillers(w)) {
                    words.add(w);
                }
                word.setLength(0);
            }
        }
        return words;
    }

    /** Whether {@code word} is made of fillers of the scripts without spaces ({@code 番号は}). */
    private static boolean unspacedFillers(String word) {
        String rest = word;
        while (!rest.isEmpty()) {
            String before = rest;
            for (String f : UNSPACED_FILLERS) {
                if (rest.startsWith(f)) {
                    rest = rest.substring(f.length());
                    break;
                }
            }
            if (rest.equals(before)) {
                return false;
            }
        }
        return true;
    }

    private static List<Label> labels() {
        List<Label> labels = new ArrayList<>();
        add(labels, PHONE_LABELS, LabelKind.PHONE);
        add(labels, REFERENCE_LABELS, LabelKind.REFERENCE);
        add(labels, NUMBER_WORDS, LabelKind.NUMBER);
        return List.copyOf(labels);
    }

    private static void add(List<Label> labels, List<String> texts, LabelKind kind) {
        for (String t : texts) {
            boolean stem = t.endsWith("*");
            String text = stem ? t.substring(0, t.length() - 1) : t;
            labels.add(new Label(text, kind, stem, WordSpacing.spaced(text)));
        }
    }
}
