/**
 * Retention: the reviewed policy ({@code config/retention-policy.yaml}) of how long each kind of
 * helpdesk record is kept and what happens then (delete or anonymize), legal holds, the deadline of
 * each record, and the guard the purge executor applies before it touches a row. Flink-free; the
 * retention job ({@code dev.lethe.jobs.retention}) and the purge executor ({@code
 * dev.lethe.jobs.purge}) are thin wrappers around these decisions.
 */
package dev.lethe.retention;
