package dev.lethe.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.lethe.cli.SubjectFinder;
import dev.lethe.cli.SubjectQuery;
import java.io.IOException;
import java.util.List;

/**
 * The benchmark's door to {@code ./lethe subject find}'s search: {@link SubjectFinder#onIndex} and
 * {@link SubjectFinder#find}, the part of the cli that is public for this purpose, so the benchmark
 * times exactly what the command runs, without the command's printing and client start.
 */
public final class SubjectSearchProbe {

    private final SubjectFinder finder;

    public SubjectSearchProbe(ElasticsearchClient es, String index) {
        this.finder = SubjectFinder.onIndex(es, index);
    }

    /** What a person found by {@code query} is: their subject id and number of locations. */
    public record Found(String subjectId, int locations) {}

    /** Runs {@code subject find <query>}'s search. */
    public List<Found> find(String query) throws IOException {
        return finder.find(SubjectQuery.parse(query)).stream()
                .map(p -> new Found(p.subjectId(), p.locations().size()))
                .toList();
    }
}
