package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ActorTest {

    @Test
    void factoriesUseTheAgreedTypes() {
        assertThat(Actor.agent(7, "r").type()).isEqualTo("agent");
        assertThat(Actor.customer(9, "r")).isEqualTo(new Actor("customer", "9", "r"));
        assertThat(Actor.system("importer", "r").type()).isEqualTo("system");
        assertThat(Actor.lethePurge("req-1", "r").type()).isEqualTo("lethe-purge");
    }

    @Test
    void serialisesTypeIdAndReasonAsJson() {
        Actor actor = Actor.lethePurge("erasure \"1\"", "right to erasure");

        assertThat(actor.toJson())
                .isEqualTo(
                        "{\"type\":\"lethe-purge\",\"id\":\"erasure \\\"1\\\"\","
                                + "\"reason\":\"right to erasure\"}");
        assertThat(Actor.fromJson(actor.toJson())).isEqualTo(actor);
    }

    @Test
    void rejectsABlankType() {
        assertThatThrownBy(() -> new Actor(" ", "1", "r"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
