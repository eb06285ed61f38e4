package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkWriterTest {

    @Test
    void failuresAreLoggedAndRaisedWithoutTheValuesElasticsearchQuotes() {
        IOException failure =
                new IOException(
                        "method [POST], host [http://127.0.0.1:9200], URI [/_bulk], status line"
                                + " [HTTP/1.1 400 Bad Request]\n{\"error\":{\"reason\":\"failed to"
                                + " parse field [phone] of type [long] in document with id"
                                + " 'contacts:7'. Preview of field's value: '+49 30 1234567'\"}}");

        ElasticsearchSinkException safe = ElasticsearchSinkWriter.withoutValues(failure);

        assertThat(safe.getMessage())
                .startsWith("java.io.IOException: ")
                .contains("HTTP/1.1 400 Bad Request", "/_bulk")
                .doesNotContain("+49 30 1234567", "contacts:7");
        assertThat(safe.getCause()).isNull();
        assertThat(safe.getStackTrace()).isEqualTo(failure.getStackTrace());
    }
}
