/**
 * Data keys per data subject ({@link dev.lethe.keys.SubjectKeyStore}: {@link
 * dev.lethe.keys.JdbcSubjectKeyStore} in the helpdesk database's schema {@code lethe}, {@link
 * dev.lethe.keys.InMemorySubjectKeyStore} for tests), erasure by destroying a subject's key, the
 * master key that wraps them ({@link dev.lethe.keys.MasterKeySource}), and the subject id
 * convention ({@link dev.lethe.keys.SubjectIds}: {@code contact:42}).
 */
package dev.lethe.keys;
