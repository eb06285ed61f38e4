/**
 * The helpdesk side of Lethe: its schema ({@link dev.lethe.connectors.HelpdeskMigrations}), who
 * changed what ({@link dev.lethe.connectors.Actor}), realistic seed data with a ground truth of
 * every placed piece of personal data ({@link dev.lethe.connectors.HelpdeskGenerator}) and a steady
 * mixed workload ({@link dev.lethe.connectors.LoadGenerator}).
 */
package dev.lethe.connectors;
