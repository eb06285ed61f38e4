/**
 * What Lethe puts on the capture path: in {@code capture}, the Connect transformations with the
 * pipeline's size limits; beside this package, {@code register-helpdesk.json}, the connector's
 * registration. Who changed what ({@code dev.lethe.audit.Actor}) is in the module {@code core}, the
 * helpdesk simulator (schema migrations, seed data, load tool) in the module {@code simulator}
 * ({@code dev.lethe.simulator}): the Connect worker carries neither.
 */
package dev.lethe.connectors;
