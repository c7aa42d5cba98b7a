/**
 * The kit for MCP servers on the official MCP Java SDK
 * ({@code io.modelcontextprotocol.sdk}): the request's authentication carried into the
 * SDK's transport context, tool calls guarded by the policy decision point, and
 * {@code tools/list} filtered by its search.
 */
package dev.agentidp.resourceserver.mcp;
