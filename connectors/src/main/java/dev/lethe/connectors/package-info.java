/**
 * What Lethe puts on the capture path and shares with the jobs: who changed what ({@link
 * dev.lethe.connectors.Actor}) and, in {@code capture}, the Connect transformations with the
 * pipeline's size limits. The helpdesk simulator (schema migrations, seed data, load tool) is the
 * module {@code simulator} ({@code dev.lethe.simulator}), so neither the Connect worker nor the job
 * jar carries it.
 */
package dev.lethe.connectors;
