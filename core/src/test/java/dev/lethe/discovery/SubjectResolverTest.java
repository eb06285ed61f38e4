package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.IdentifierKind;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubjectResolverTest {

    private final SubjectResolver resolver = new SubjectResolver();

    @Test
    void anIdentifierResolvesToEveryoneWhoHoldsItSortedUntilTheyAreForgotten() {
        resolver.register("contact:9", IdentifierKind.PHONE, "+4930123456");
        resolver.register("contact:10", IdentifierKind.PHONE, "+4930123456");
        resolver.register("contact:10", IdentifierKind.PHONE, "+4930123456"); // again: once
        resolver.register("contact:2", IdentifierKind.PHONE, "+4930123456");
        resolver.register("contact:10", IdentifierKind.EMAIL, "ben@example.eu");

        assertThat(resolver.resolve(IdentifierKind.PHONE, "+4930123456"))
                .containsExactly("contact:10", "contact:2", "contact:9");
        assertThat(resolver.subjects()).isEqualTo(3);

        resolver.forget("contact:10");
        assertThat(resolver.resolve(IdentifierKind.PHONE, "+4930123456"))
                .containsExactly("contact:2", "contact:9");
        assertThat(resolver.resolve(IdentifierKind.EMAIL, "ben@example.eu")).isEmpty();

        resolver.forget("contact:2");
        resolver.forget("contact:9");
        resolver.forget("contact:9"); // forgetting the unknown does nothing
        assertThat(resolver.resolve(IdentifierKind.PHONE, "+4930123456")).isEmpty();
        assertThat(resolver.subjects()).isZero();
    }

    @Test
    void kindsAreApartAndAnEmailIsComparedByItsComparisonKey() {
        resolver.register("contact:1", IdentifierKind.EMAIL, "anna@example.eu");
        resolver.register("agent:1", IdentifierKind.HANDLE, "@anna");

        assertThat(resolver.resolve(IdentifierKind.EMAIL, "anna@EXAMPLE.eu"))
                .containsExactly("contact:1");
        assertThat(resolver.resolve(IdentifierKind.HANDLE, "@anna")).containsExactly("agent:1");
        assertThat(resolver.resolve(IdentifierKind.HANDLE, "anna@example.eu")).isEmpty();
        assertThat(resolver.resolve(IdentifierKind.CONTACT_ID, "7")).containsExactly("contact:7");
    }

    @Test
    void registeringASubjectAgainReplacesItsIdentifiers() {
        resolver.register(
                new KnownSubject(
                        "contact:1",
                        "Anna",
                        "Muster",
                        Map.of(IdentifierKind.EMAIL, Set.of("anna@example.eu"))));
        resolver.register(
                new KnownSubject(
                        "contact:1",
                        "Anna",
                        "Muster",
                        Map.of(IdentifierKind.EMAIL, Set.of("anna.m@example.eu"))));

        assertThat(resolver.resolve(IdentifierKind.EMAIL, "anna@example.eu")).isEmpty();
        assertThat(resolver.resolve(IdentifierKind.EMAIL, "anna.m@example.eu"))
                .containsExactly("contact:1");
    }
}
