package dev.lethe.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

    private static final JobOptions.Option<String> HOST = JobOptions.text("host", null, "a host");
    private static final JobOptions.Option<String> FILE = JobOptions.text("file", "", "a file");
    private static final JobOptions.Option<Duration> EVERY =
            JobOptions.duration("every", "10s", "how often");
    private static final JobOptions.Option<Integer> COUNT =
            JobOptions.positive("count", "3", "how many");
    private static final JobOptions.Option<URI> URL =
            JobOptions.httpUrl("url", "http://es:9200", "where");

    private static final JobOptions OPTIONS = JobOptions.of(List.of(HOST, FILE, EVERY, COUNT, URL));

    @Test
    void givenValuesAreParsedAndTheOthersDefault() {
        JobOptions.Values v = OPTIONS.parse("--host", "h1", "--every", "2m", "--count=7");
        assertThat(v.get(HOST)).isEqualTo("h1");
        assertThat(v.get(EVERY)).isEqualTo(Duration.ofMinutes(2));
        assertThat(v.get(COUNT)).isEqualTo(7);
        assertThat(v.get(FILE)).isEmpty();
        assertThat(v.get(URL)).isEqualTo(URI.create("http://es:9200"));
        assertThat(OPTIONS.parse("--host", "h", "--every", "PT1H").get(EVERY))
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anEmptyValueIsTakenOnlyWhereTheDefaultIsEmpty() {
        assertThat(OPTIONS.parse("--host", "h", "--file", "").get(FILE)).isEmpty();
        assertThatThrownBy(() -> OPTIONS.parse("--host", ""))
                .hasMessageContaining("--host must not be empty");
    }

    @Test
    void everyProblemIsReportedAtOnceWithWhatToFixAndTheUsage() {
        assertThatThrownBy(
                        () ->
                                OPTIONS.parse(
                                        "--every",
                                        "soon",
                                        "--count",
                                        "0",
                                        "--url",
                                        "es:9200",
                                        "--colour",
                                        "red",
                                        "--file",
                                        "a",
                                        "--file",
                                        "b",
                                        "stray"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "--every must be a duration like 10s, 2m or PT10S, got 'soon'")
                .hasMessageContaining("--count must be positive, got '0'")
                .hasMessageContaining("--url must be a URL like http://host:9200, got 'es:9200'")
                .hasMessageContaining("--colour is not an option of this job")
                .hasMessageContaining("--file is given more than once")
                .hasMessageContaining("'stray' is not an option")
                .hasMessageContaining("--host is required (a host)")
                .hasMessageContaining("options:\n  --host <value>  a host (required)")
                .hasMessageContaining("--count <value>  how many (default 3)");
        assertThatThrownBy(() -> OPTIONS.parse("--host", "h", "--count", "many"))
                .hasMessageContaining("--count must be a whole number");
        assertThatThrownBy(() -> OPTIONS.parse("--host", "h", "--every", "-5s"))
                .hasMessageContaining("--every must be positive");
        assertThatThrownBy(() -> OPTIONS.parse("--host", "--every", "1s"))
                .hasMessageContaining("--host needs a value");
    }

    @Test
    void argumentsOfOptionTextsParseBackAndLeaveOutWhatTheSetDoesNotTake() {
        List<String> args =
                JobOptions.arguments(
                        Map.of("host", "h2", "count", "9", "every", "PT3S", "other", "x"), OPTIONS);
        assertThat(args).containsExactly("--host", "h2", "--every", "PT3S", "--count", "9");
        JobOptions.Values v = OPTIONS.parse(args.toArray(String[]::new));
        assertThat(v.get(EVERY)).isEqualTo(Duration.ofSeconds(3));
        assertThat(v.get(COUNT)).isEqualTo(9);
    }

    @Test
    void anOptionTheSetDoesNotTakeHasItsDefault() {
        JobOptions only = JobOptions.of(List.of(HOST));
        assertThat(only.parse("--host", "h").get(COUNT)).isEqualTo(3);
        assertThat(only.takes("count")).isFalse();
    }
}
