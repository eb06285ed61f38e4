/**
 * From Debezium's raw change records to Lethe's {@link dev.lethe.events.ChangeEvent}: the {@link
 * dev.lethe.normalize.ChangeNormalizer} every job puts first, the helpdesk columns it expects
 * ({@link dev.lethe.normalize.HelpdeskTables}), entity ids ({@link dev.lethe.normalize.EntityId})
 * and dead letters for what it rejects ({@link dev.lethe.normalize.DeadLetters}).
 */
package dev.lethe.normalize;
