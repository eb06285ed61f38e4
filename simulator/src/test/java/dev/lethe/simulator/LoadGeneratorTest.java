package dev.lethe.simulator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static final DataSource NO_DATABASE = new org.postgresql.ds.PGSimpleDataSource();

    @Test
    void requiresADataSource() {
        assertThatThrownBy(() -> LoadGenerator.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataSource");
    }

    @Test
    void rejectsANonPositiveRateOrDuration() {
        assertThatThrownBy(() -> LoadGenerator.builder().dataSource(NO_DATABASE).rate(0).build())
                .hasMessageContaining("rate");
        assertThatThrownBy(
                        () ->
                                LoadGenerator.builder()
                                        .dataSource(NO_DATABASE)
                                        .duration(Duration.ZERO)
                                        .build())
                .hasMessageContaining("duration");
    }

    @Test
    void rejectsAMixWithoutOperations() {
        LoadGenerator.Builder builder = LoadGenerator.builder().dataSource(NO_DATABASE);
        for (LoadOperation op : LoadOperation.values()) {
            builder.weight(op, 0);
        }

        assertThatThrownBy(builder::build).hasMessageContaining("weights");
    }
}
