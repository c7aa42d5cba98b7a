/**
 * The admin API of the registry: agents, their keys and lifecycle
 * ({@code /admin/v1/agents}), and clients that are not agents
 * ({@code /admin/v1/clients}), as docs/api.md "Contract" describes them. Bodies bind to
 * request records whose constraints are the admin API's input rules
 * ({@code AgentDocumentRequest}, {@code AgentDocumentRules}, {@code ReferenceRules});
 * thin controllers hand {@link dev.agentidp.registry.AgentRegistry} and
 * {@link dev.agentidp.registry.ClientRegistry} value types and render what they answer
 * ({@code AgentDocumentJson}); errors become problem documents in
 * {@code dev.agentidp.app.ApiExceptionHandler}.
 */
package dev.agentidp.app.registry;
