package com.example.mcptoolserver;

import java.util.Map;

import dev.agentidp.resourceserver.PolicyDecisions;
import dev.agentidp.resourceserver.mcp.McpAccess;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The example MCP tool server (issue 17): the official MCP Java SDK's streamable HTTP
 * servlet transport at {@code /mcp}, protected by the resource-server kit with properties
 * only ({@code agentidp.resource-server.*}: the kit's default security chain requires a
 * DPoP or bearer token on {@code /mcp} and serves the RFC 9728 metadata), and two tools
 * of the PDP's tool {@code github}: {@code create_pr} and {@code merge}, each guarded by
 * the policy decision point, {@code tools/list} filtered by its search.
 * <p>
 * Outside {@code dev.agentidp}, like {@code com.example.resourceserver}, so the
 * provider's component scan never sees it; {@code McpToolServerEndToEndTests} starts it
 * beside the provider.
 */
@SpringBootApplication
public class McpToolServerApplication {

	@Bean
	McpAccess mcpAccess(PolicyDecisions decisions) {
		return new McpAccess(decisions);
	}

	@Bean
	HttpServletStreamableServerTransportProvider mcpTransport(McpAccess access) {
		return HttpServletStreamableServerTransportProvider.builder()
			.jsonMapper(McpJsonDefaults.getMapper())
			.mcpEndpoint("/mcp")
			.contextExtractor(access.contextExtractor())
			.build();
	}

	@Bean
	ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
			HttpServletStreamableServerTransportProvider transport) {
		ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration = new ServletRegistrationBean<>(
				transport, "/mcp");
		registration.setAsyncSupported(true);
		return registration;
	}

	@Bean(destroyMethod = "close")
	McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, McpAccess access) {
		return McpServer.sync(transport)
			.serverInfo("github-tools", "1.0.0")
			.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
			.addToolFilter(access.toolFilter())
			.tools(access.guard(tool("create_pr", "Opens a pull request"), "github", "create_pr"),
					access.guard(tool("merge", "Merges a pull request"), "github", "merge"))
			.build();
	}

	private static SyncToolSpecification tool(String name, String description) {
		McpSchema.Tool tool = McpSchema.Tool.builder()
			.name(name)
			.description(description)
			.inputSchema(Map.of("type", "object", "properties", Map.of("repo", Map.of("type", "string"))))
			.build();
		return SyncToolSpecification.builder()
			.tool(tool)
			.callHandler((exchange, request) -> CallToolResult.builder()
				.addTextContent(name + " done on " + request.arguments().get("repo"))
				.build())
			.build();
	}

	public static void main(String[] args) {
		SpringApplication.run(McpToolServerApplication.class, args);
	}

}
