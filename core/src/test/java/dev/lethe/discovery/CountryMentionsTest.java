package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.discovery.CountryMentions.Mention;
import org.junit.jupiter.api.Test;

/** Countries named in text, in the helpdesk's languages. */
class CountryMentionsTest {

    @Test
    void namesInflectedFormsAndAdjectives() {
        assertThat(CountryMentions.in("Urlaub in Frankreich"))
                .containsExactly(new Mention("FR", 10, 20));
        assertThat(CountryMentions.in("jsem na Slovensku"))
                .extracting(Mention::region)
                .containsExactly("SK");
        assertThat(CountryMentions.in("(slovenské)"))
                .extracting(Mention::region)
                .containsExactly("SK");
        assertThat(CountryMentions.in("w Hiszpanii"))
                .extracting(Mention::region)
                .containsExactly("ES");
        assertThat(CountryMentions.in("mi hermana en España"))
                .extracting(Mention::region)
                .containsExactly("ES");
        assertThat(CountryMentions.in("во Франции"))
                .extracting(Mention::region)
                .containsExactly("FR");
        assertThat(CountryMentions.in("UNITED KINGDOM"))
                .extracting(Mention::region)
                .containsExactly("GB");
    }

    @Test
    void scriptsWithoutSpacesMatchAnywhere() {
        assertThat(CountryMentions.in("일본에서는")).extracting(Mention::region).containsExactly("JP");
        assertThat(CountryMentions.in("我在日本的号码")).extracting(Mention::region).containsExactly("JP");
    }

    @Test
    void otherWordsAreNoCountries() {
        assertThat(CountryMentions.in("Frankfurt, François, Francs, Japanisch essen")).isEmpty();
        assertThat(CountryMentions.in("Bitte rufen Sie mich an")).isEmpty();
        // a name inside a word is none
        assertThat(CountryMentions.in("xFrankreich")).isEmpty();
    }
}
