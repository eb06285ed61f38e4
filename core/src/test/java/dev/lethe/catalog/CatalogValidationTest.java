package dev.lethe.catalog;

import static dev.lethe.catalog.CatalogFiles.PEOPLE_AND_NOTES;
import static dev.lethe.catalog.CatalogFiles.load;
import static dev.lethe.catalog.CatalogFiles.peopleAndNotesWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogValidationTest {

    @Test
    void loadsAValidCatalogWithItsSubjectPaths() {
        PersonalDataCatalog catalog = load(PEOPLE_AND_NOTES);

        assertThat(catalog.tables()).containsExactly("people", "notes", "settings");
        SubjectPath notes = catalog.subjectPath("notes");
        assertThat(notes.kind()).isEqualTo(SubjectPath.Kind.VIA);
        assertThat(notes.subjectKind()).isEqualTo("contact");
        assertThat(notes.hops())
                .containsExactly(
                        new Reference(
                                new ColumnRef("notes", "person_id"),
                                new ColumnRef("people", "id")));
        assertThat(notes.subjectTable()).contains("people");
        assertThat(catalog.subjectPath("settings").hasSubject()).isFalse();
    }

    @Test
    void rejectsAnUnknownCategoryNamingTheColumnAndTheKnownOnes() {
        CatalogException error =
                catchThrowableOfType(
                        CatalogException.class,
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "body:      { category: free_text }",
                                                "body:      { category: freetext }")));

        assertThat(error.problems())
                .singleElement()
                .asString()
                .contains("column notes.body", "unknown category 'freetext'", "free_text");
    }

    @Test
    void rejectsAReferenceToAnUnknownTable() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "references: people.id", "references: persons.id")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining(
                        "column notes.person_id: references unknown column persons.id");
    }

    @Test
    void rejectsAReferenceToAnUnknownColumn() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "references: people.id",
                                                "references: people.uuid")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("references unknown column people.uuid");
    }

    @Test
    void rejectsATableWithoutSubjectPath() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "    subject: { none: configuration }\n", "")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("table settings: no subject path");
    }

    @Test
    void rejectsASubjectPathThatLeadsToATableAboutNoPerson() {
        String yaml =
                PEOPLE_AND_NOTES
                        + """
                          audits:
                            subject: { via: setting_id }
                            columns:
                              setting_id: { category: reference, references: settings.id }
                        """;

        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining(
                        "table audits: subject via setting_id leads to table settings, which has"
                                + " no data subject");
    }

    @Test
    void rejectsASubjectPathRunningInACircle() {
        String yaml =
                """
                version: 1
                tables:
                  a:
                    subject: { via: b_id }
                    columns:
                      id:   { category: identifier }
                      b_id: { category: reference, references: b.id }
                  b:
                    subject: { via: a_id }
                    columns:
                      id:   { category: identifier }
                      a_id: { category: reference, references: a.id }
                """;

        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("subject path runs in a circle");
    }

    @Test
    void rejectsASubjectViaAColumnThatReferencesNothing() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "subject: { via: person_id }",
                                                "subject: { via: body }")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("table notes: subject via body, which references no table");
    }

    @Test
    void rejectsMisspelledAttributesInsteadOfIgnoringThem() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "email: { category: contact_detail, identifies:"
                                                        + " email }",
                                                "email: { category: contact_detail, identfies:"
                                                        + " email }")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("column people.email: unknown attribute 'identfies'");
    }

    @Test
    void rejectsAnUnknownIdentifierKind() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "identifies: email }", "identifies: e-mail }")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("unknown identifier kind 'e-mail'");
    }

    @Test
    void rejectsADuplicateColumn() {
        assertThatThrownBy(
                        () ->
                                load(
                                        peopleAndNotesWith(
                                                "      body:      { category: free_text }\n",
                                                "      body:      { category: free_text }\n"
                                                        + "      body:      { category: name }\n")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("Duplicate field 'body'");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml =
                peopleAndNotesWith("body:      { category: free_text }", "body: { category: x }")
                        .replace("references: people.id", "references: nobody.id");

        CatalogException error = catchThrowableOfType(CatalogException.class, () -> load(yaml));

        assertThat(error.problems()).hasSize(2);
        assertThat(error.getMessage()).contains("(2 problems)");
    }

    @Test
    void requiresAnEncryptedCustomFieldColumnToSayWhichKeysAreEncrypted() {
        String yaml =
                peopleAndNotesWith(
                        "body:      { category: free_text }",
                        "body:      { category: encrypted_custom_field }");

        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("column notes.body: an encrypted_custom_field column must");
    }

    @Test
    void rejectsAWrongVersion() {
        assertThatThrownBy(() -> load(PEOPLE_AND_NOTES.replace("version: 1", "version: 2")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("version must be 1");
    }

    @Test
    void appliesCategoryDefaultsUnlessOverridden() {
        PersonalDataCatalog catalog =
                load(
                        peopleAndNotesWith(
                                "id:  { category: technical }",
                                "id:  { category: technical, personal: true, scan: true }"));

        assertThat(catalog.column("notes", "body"))
                .get()
                .satisfies(
                        body -> {
                            assertThat(body.personal()).isTrue();
                            assertThat(body.scan()).isTrue();
                        });
        assertThat(catalog.column("notes", "person_id").get().personal()).isFalse();
        assertThat(catalog.personalColumns("settings"))
                .extracting(ColumnSpec::name)
                .isEqualTo(List.of("id"));
        assertThat(catalog.freeTextColumns("settings"))
                .extracting(ColumnSpec::name)
                .isEqualTo(List.of("id"));
    }
}
