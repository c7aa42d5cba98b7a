/**
 * The registry: agents and the clients that are not agents (resource servers, admin
 * clients), with their identity documents, owners, capabilities, keys, lifecycle and
 * versions. Its public API is {@link dev.agentidp.registry.ClientRegistry} (and, for
 * agents, the facade built with the agent registry issue); everything else is internal.
 */
package dev.agentidp.registry;
