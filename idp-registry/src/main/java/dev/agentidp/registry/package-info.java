/**
 * The registry: agents and the clients that are not agents (resource servers, admin
 * clients), with their identity documents, owners, capabilities, keys, lifecycle and
 * versions.
 * <p>
 * Its public API is {@link dev.agentidp.registry.AgentRegistry} for agents (the aggregate
 * {@link dev.agentidp.registry.Agent}, read-only outside this package, its value records
 * and the domain events it publishes) and {@link dev.agentidp.registry.ClientRegistry}
 * for other clients. It takes value types and commands, never JSON: the admin API binds
 * its bodies in idp-app. Storage ({@code Agents}, {@code StoredDocuments}: rows read as
 * stored), the invariants of what is written ({@code ProfileInvariants}) and key handling
 * are package-private.
 */
package dev.agentidp.registry;
