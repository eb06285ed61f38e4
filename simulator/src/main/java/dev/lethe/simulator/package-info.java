/**
 * The helpdesk Lethe is shown and tested with: its schema ({@link
 * dev.lethe.simulator.HelpdeskMigrations}), realistic seed data with a ground truth of every placed
 * piece of personal data ({@link dev.lethe.simulator.HelpdeskGenerator}) and a steady mixed
 * workload ({@link dev.lethe.simulator.LoadGenerator}). Neither the Connect worker nor the job jar
 * needs it.
 */
package dev.lethe.simulator;
