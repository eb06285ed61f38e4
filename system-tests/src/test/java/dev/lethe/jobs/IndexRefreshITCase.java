package dev.lethe.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.lethe.jobs.audit.AuditDocuments;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.ElasticsearchSinkBuilder;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.SharedStack;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Lethe's indexes refresh on a fixed interval that the sinks' caught-up requests wait for ({@code
 * refresh=wait_for}), never once per request: a new index is made so, an existing one (with another
 * interval) is set so when a job starts, and the stack's own are so.
 */
class IndexRefreshITCase {

    private static String refreshInterval(ElasticsearchClient es, String index) throws Exception {
        return es.indices()
                .getSettings(r -> r.index(index))
                .get(index)
                .settings()
                .index()
                .refreshInterval()
                .time();
    }

    @Test
    void newAndExistingIndexesRefreshOnTheCaughtUpInterval() throws Exception {
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
                assertThat(refreshInterval(es, audit))
                        .isEqualTo(ElasticsearchSinkBuilder.CAUGHT_UP_REFRESH_INTERVAL);
                assertThat(refreshInterval(es, locations))
                        .isEqualTo(ElasticsearchSinkBuilder.CAUGHT_UP_REFRESH_INTERVAL);

                // made by another version, with another interval: set when the job starts
                for (String index : new String[] {audit, locations}) {
                    es.indices()
                            .putSettings(
                                    r ->
                                            r.index(index)
                                                    .settings(
                                                            x ->
                                                                    x.refreshInterval(
                                                                            t -> t.time("5s"))));
                    assertThat(refreshInterval(es, index)).isEqualTo("5s");
                }
                AuditDocuments.ensureIndex(clients, audit);
                DiscoveryJob.ensureIndex(clients, locations);
                assertThat(refreshInterval(es, audit))
                        .isEqualTo(ElasticsearchSinkBuilder.CAUGHT_UP_REFRESH_INTERVAL);
                assertThat(refreshInterval(es, locations))
                        .isEqualTo(ElasticsearchSinkBuilder.CAUGHT_UP_REFRESH_INTERVAL);

            } finally {
                es.indices().delete(r -> r.index(audit, locations).ignoreUnavailable(true));
            }
        }
    }
}
