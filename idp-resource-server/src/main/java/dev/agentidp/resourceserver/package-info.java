/**
 * The resource-server kit: a Spring Boot starter that protects a tool server (Spring MVC,
 * or an MCP server on the official MCP Java SDK) with the provider's tokens. It checks
 * {@code Authorization: DPoP} and {@code Bearer} tokens (RFC 9449 §7 proofs, locally,
 * with {@code ath}; the token by introspection or as an RFC 9068 JWT), serves RFC 9728
 * protected resource metadata and challenges, and asks the policy decision point before a
 * {@link dev.agentidp.resourceserver.ToolCall} runs. Depends on {@code idp-dpop} and
 * Spring only (docs/resource-servers.md).
 */
package dev.agentidp.resourceserver;
