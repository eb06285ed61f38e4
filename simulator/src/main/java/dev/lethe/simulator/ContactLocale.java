package dev.lethe.simulator;

import java.util.List;
import java.util.Locale;

/**
 * The kinds of customers the generated helpdesk serves: language, country (for phone numbers and
 * IBANs), data-residency region and the mail providers their addresses use.
 */
public enum ContactLocale {
    DE_DE("de-DE", "de", "DE", "EU", 16, List.of("gmx.de", "web.de", "t-online.de", "posteo.de")),
    DE_AT("de-AT", "de-AT", "AT", "EU", 5, List.of("gmx.at", "aon.at", "chello.at")),
    FR_FR("fr-FR", "fr", "FR", "EU", 13, List.of("orange.fr", "free.fr", "laposte.net", "sfr.fr")),
    PL_PL("pl-PL", "pl", "PL", "EU", 10, List.of("wp.pl", "onet.pl", "interia.pl", "o2.pl")),
    CS_CZ("cs-CZ", "cs-CZ", "CZ", "EU", 7, List.of("seznam.cz", "email.cz", "centrum.cz")),
    SV_SE("sv-SE", "sv-SE", "SE", "EU", 7, List.of("telia.com", "bredband.net", "spray.se")),
    ES_ES("es-ES", "es", "ES", "EU", 10, List.of("telefonica.net", "yahoo.es", "ono.com")),
    IT_IT("it-IT", "it", "IT", "EU", 10, List.of("libero.it", "virgilio.it", "tiscali.it")),
    JA_JP("ja-JP", "ja", "JP", "APAC", 12, List.of("yahoo.co.jp", "docomo.ne.jp", "nifty.com")),
    EN_GB("en-GB", "en-GB", "GB", "UK", 10, List.of("btinternet.com", "outlook.com", "gmail.com"));

    private final String tag;
    private final Locale fakerLocale;
    private final String country;
    private final String region;
    private final int weight;
    private final List<String> mailDomains;

    ContactLocale(
            String tag,
            String fakerTag,
            String country,
            String region,
            int weight,
            List<String> mailDomains) {
        this.tag = tag;
        this.fakerLocale = Locale.forLanguageTag(fakerTag);
        this.country = country;
        this.region = region;
        this.weight = weight;
        this.mailDomains = mailDomains;
    }

    /** BCP 47 tag stored in contacts.locale, e.g. {@code de-DE}. */
    public String tag() {
        return tag;
    }

    /** Language subtag, e.g. {@code de}: selects the texts the contact writes. */
    public String language() {
        return tag.substring(0, 2);
    }

    /** ISO 3166 country: phone numbering plan and IBAN country. */
    public String country() {
        return country;
    }

    /** Data-residency region stored in contacts.region: EU, UK or APAC. */
    public String region() {
        return region;
    }

    /** Relative share of contacts with this locale. */
    int weight() {
        return weight;
    }

    List<String> mailDomains() {
        return mailDomains;
    }

    Locale fakerLocale() {
        return fakerLocale;
    }

    /** Whether names of this locale are written in Japanese script. */
    boolean japanese() {
        return this == JA_JP;
    }
}
