package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkBuilderTest {

    @Test
    void reportsEveryMissingOrInvalidSettingAtOnce() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSink.<String>builder()
                                        .setMaxBatchSize(0)
                                        .setBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setConverter")
                .hasMessageContaining("setConnection")
                .hasMessageContaining("maxBatchSize must be > 0")
                .hasMessageContaining("backoff");
    }

    @Test
    void buildsWithDefaults() throws Exception {
        ElasticsearchSink<String> sink =
                ElasticsearchSink.<String>builder()
                        .setUrl(URI.create("http://127.0.0.1:9200"), "elastic")
                        .setConverter((s, ctx) -> BulkOutcomeTest.indexDoc(s))
                        .build();
        // the sealed state format; the sink with its default master-key factory travels in the job
        assertThat(sink.getWriterStateSerializer().getVersion()).isEqualTo(2);
        ElasticsearchSink<String> shipped =
                InstantiationUtil.deserializeObject(
                        InstantiationUtil.serializeObject(sink), getClass().getClassLoader());
        assertThat(shipped.getWriterStateSerializer().getVersion()).isEqualTo(2);
    }
}
