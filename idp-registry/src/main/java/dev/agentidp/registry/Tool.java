package dev.agentidp.registry;

import java.util.List;

import org.springframework.util.Assert;

/**
 * A tool an agent calls.
 *
 * @param id the tool's id
 * @param mcpServer the http or https URL of the MCP server that offers it
 * @param permissions what the agent may do with it
 */
public record Tool(String id, String mcpServer, List<String> permissions) {

	public Tool {
		Assert.hasText(id, "id cannot be empty");
		Assert.hasText(mcpServer, "mcpServer cannot be empty");
		permissions = (permissions != null) ? List.copyOf(permissions) : List.of();
	}

}
