/**
 * The personal-data catalog: per helpdesk table and column what it holds ({@link
 * dev.lethe.catalog.DataCategory}), whether it is personal, whether it identifies a data subject
 * ({@link dev.lethe.catalog.IdentifierKind}), which columns discovery scans, how tables reference
 * each other, and how to find the data subject of a row ({@link dev.lethe.catalog.SubjectPath}).
 * Loaded and validated by {@link dev.lethe.catalog.PersonalDataCatalog} from {@code
 * config/personal-data-catalog.yaml}, which the core module also ships on its classpath.
 */
package dev.lethe.catalog;
