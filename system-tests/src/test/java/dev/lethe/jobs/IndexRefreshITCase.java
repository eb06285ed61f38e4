package dev.lethe.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.audit.AuditDocuments;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.ElasticsearchSinkBuilder;
import dev.lethe.jobs.elasticsearch.WriteHeavyIndex;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.SharedStack;
import java.util.UUID;
import org.elasticsearch.client.Request;
import org.junit.jupiter.api.Test;

/**
 * Lethe's indexes refresh on a fixed interval that the sinks' caught-up requests wait for ({@code
 * refresh=wait_for}), never once per request: a new index is made so, an existing one (with another
 * interval) is set so when a job starts, and the stack's own are so.
 */
class IndexRefreshITCase {

    /** The index's refresh interval, segments per tier and deletes allowed, as set. */
    private static String settingsOf(ElasticsearchConnection.Clients clients, String index)
            throws Exception {
        Request get = new Request("GET", "/" + index + "/_settings");
        get.addParameter("flat_settings", "true");
        JsonNode settings =
                new ObjectMapper()
                        .readTree(clients.restClient().performRequest(get).getEntity().getContent())
                        .path(index)
                        .path("settings");
        return settings.path("index.refresh_interval").asText()
                + " "
                + settings.path("index.merge.policy.segments_per_tier").asText()
                + " "
                + settings.path("index.merge.policy.deletes_pct_allowed").asText();
    }

    private static void put(ElasticsearchConnection.Clients clients, String index, String json)
            throws Exception {
        Request put = new Request("PUT", "/" + index + "/_settings");
        put.setJsonEntity(json);
        clients.restClient().performRequest(put);
    }

    private static final String EXPECTED =
            ElasticsearchSinkBuilder.CAUGHT_UP_REFRESH_INTERVAL
                    + " "
                    + WriteHeavyIndex.SEGMENTS_PER_TIER
                    + " "
                    + WriteHeavyIndex.DELETES_PCT_ALLOWED;

    @Test
    void newAndExistingIndexesGetTheWriteHeavySettings() throws Exception {
        StackSettings s = SharedStack.settings();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String audit = "lethe-audit-refresh-it-" + suffix;
        String locations = "lethe-locations-refresh-it-" + suffix;
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow())) {
            ElasticsearchClient es = clients.client();
            try {
                AuditDocuments.ensureIndex(clients, audit);
                DiscoveryJob.ensureIndex(clients, locations);
                assertThat(settingsOf(clients, audit)).isEqualTo(EXPECTED);
                assertThat(settingsOf(clients, locations)).isEqualTo(EXPECTED);

                // made by another version, with other settings: set when the job starts
                for (String index : new String[] {audit, locations}) {
                    put(
                            clients,
                            index,
                            "{\"index\":{\"refresh_interval\":\"5s\","
                                    + "\"merge.policy.segments_per_tier\":10,"
                                    + "\"merge.policy.deletes_pct_allowed\":20}}");
                    assertThat(settingsOf(clients, index)).isEqualTo("5s 10 20");
                }
                AuditDocuments.ensureIndex(clients, audit);
                DiscoveryJob.ensureIndex(clients, locations);
                assertThat(settingsOf(clients, audit)).isEqualTo(EXPECTED);
                assertThat(settingsOf(clients, locations)).isEqualTo(EXPECTED);
            } finally {
                es.indices().delete(r -> r.index(audit, locations).ignoreUnavailable(true));
            }
        }
    }
}
