/**
 * The admin API of the registry: agents, their keys and lifecycle
 * ({@code /admin/v1/agents}), and clients that are not agents
 * ({@code /admin/v1/clients}), as docs/api.md "Contract" describes them. Thin controllers
 * over {@link dev.agentidp.registry.AgentRegistry} and
 * {@link dev.agentidp.registry.ClientRegistry}; errors become problem documents in
 * {@code dev.agentidp.app.ApiExceptionHandler}.
 */
package dev.agentidp.app.registry;
