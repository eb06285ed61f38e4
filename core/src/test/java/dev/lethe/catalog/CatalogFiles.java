package dev.lethe.catalog;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** Small catalogs written as YAML, for tests of loading and validation. */
final class CatalogFiles {

    /** A valid catalog: a person table, a table pointing at it, and one about no person. */
    static final String PEOPLE_AND_NOTES =
            """
            version: 1
            tables:
              people:
                subject: { self: contact }
                columns:
                  id:    { category: identifier, identifies: contact_id }
                  email: { category: contact_detail, identifies: email }
              notes:
                subject: { via: person_id }
                columns:
                  id:        { category: identifier }
                  person_id: { category: reference, references: people.id }
                  body:      { category: free_text }
              settings:
                subject: { none: configuration }
                columns:
                  id:  { category: technical }
            """;

    private CatalogFiles() {}

    static PersonalDataCatalog load(String yaml) {
        return PersonalDataCatalog.load(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@link #PEOPLE_AND_NOTES} with one line replaced (the line must be there). */
    static String peopleAndNotesWith(String line, String replacement) {
        if (!PEOPLE_AND_NOTES.contains(line)) {
            throw new IllegalArgumentException("no such line in the test catalog: " + line);
        }
        return PEOPLE_AND_NOTES.replace(line, replacement);
    }
}
