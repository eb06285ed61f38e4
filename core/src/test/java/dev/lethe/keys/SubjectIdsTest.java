package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubjectIdsTest {

    @Test
    void namesSubjectsByKindAndRowId() {
        assertThat(SubjectIds.contact(42)).isEqualTo("contact:42");
        assertThat(SubjectIds.agent(7)).isEqualTo("agent:7");
        assertThat(SubjectIds.of("contact", "42")).isEqualTo("contact:42");
        assertThat(SubjectIds.kind("contact:42")).isEqualTo("contact");
        assertThat(SubjectIds.id("contact:42")).isEqualTo("42");
    }

    @Test
    void refusesPersonalValuesAsIdsWithoutRepeatingThem() {
        assertThat(SubjectIds.isValid("email:anna@example.eu")).isFalse();
        assertThat(SubjectIds.isValid("contact:Anna Meyer")).isFalse();
        assertThatThrownBy(() -> SubjectIds.of("email", "anna@example.eu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("anna");
        assertThatThrownBy(() -> SubjectIds.requireValid("anna@example.eu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("anna");
    }

    @Test
    void refusesMalformedIds() {
        assertThat(SubjectIds.isValid("contact:")).isFalse();
        assertThat(SubjectIds.isValid(":42")).isFalse();
        assertThat(SubjectIds.isValid("Contact:42")).isFalse();
        assertThat(SubjectIds.isValid("contact:42:1")).isFalse();
        assertThat(SubjectIds.isValid(null)).isFalse();
        assertThat(SubjectIds.isValid("contact:" + "1".repeat(SubjectIds.MAX_LENGTH))).isFalse();
    }
}
