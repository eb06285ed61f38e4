package dev.lethe.purge;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.json.JsonData;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.TestLocations;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.purge.ElasticsearchErasureIndex;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.SharedStack;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The erasure processor's view of the real locations index: a person found in more places than one
 * search page holds (2,500 locations; pages of 1,000) is found whole, forgotten whole, and
 * documents of other people stay.
 */
class ElasticsearchErasureIndexITCase {

    @Test
    void aPersonWithMoreLocationsThanAPageIsFoundAndForgottenWhole() throws Exception {
        StackSettings s = SharedStack.settings();
        String index = "lethe-locations-erasure-it-" + UUID.randomUUID().toString().substring(0, 8);
        ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow());
        ElasticsearchClient es = clients.client();
        es.indices()
                .create(
                        c ->
                                c.index(index)
                                        .withJson(
                                                new StringReader(
                                                        LocationDocument.indexDefinition())));
        String person = "contact:77";
        BulkRequest.Builder bulk =
                new BulkRequest.Builder()
                        .index(index)
                        .refresh(co.elastic.clients.elasticsearch._types.Refresh.True);
        for (int i = 0; i < 2_500; i++) {
            LocationDocument d = mention(person, "comments/" + i, i);
            bulk.operations(o -> o.index(x -> x.id(d.id()).document(json(d))));
        }
        LocationDocument other = mention("contact:78", "comments/9999", 1);
        bulk.operations(o -> o.index(x -> x.id(other.id()).document(json(other))));
        assertThat(es.bulk(bulk.build()).errors()).isFalse();

        try (ElasticsearchErasureIndex erasure =
                new ElasticsearchErasureIndex(clients, index, Duration.ZERO, Clock.systemUTC())) {
            List<LocationDocument> found = erasure.locationsOf(person, "contacts/77");

            assertThat(found).hasSize(2_500);
            assertThat(found.stream().map(LocationDocument::id).distinct()).hasSize(2_500);

            erasure.forget(person, List.of());
            erasure.expungeDeleted();

            assertThat(erasure.locationsOf(person, "contacts/77")).isEmpty();
            assertThat(erasure.locationsOf("contact:78", "contacts/78")).singleElement();
        } finally {
            try (ElasticsearchConnection.Clients again =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElseThrow())) {
                again.client().indices().delete(d -> d.index(index));
            }
        }
    }

    private static JsonData json(LocationDocument d) {
        return JsonData.fromJson(new String(d.toJson(), StandardCharsets.UTF_8));
    }

    private static LocationDocument mention(String subject, String record, int start) {
        return TestLocations.found(
                        subject, record, "content", "email", "p" + start + "@example.eu", start)
                .span(start, start + 5)
                .build();
    }
}
