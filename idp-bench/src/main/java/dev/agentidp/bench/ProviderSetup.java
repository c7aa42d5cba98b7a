package dev.agentidp.bench;

import java.io.IOException;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The provider side of the benchmark's preparation, through the admin API only: the
 * bootstrap admin's token (renewed every 4 minutes), a resource server with a secret for
 * introspection, the agents (each with a key the provider generates, kept in memory
 * only), and the revocation of tokens by {@code jti}. Answers of successful calls are
 * never printed (they carry secrets and keys), only error answers are.
 */
final class ProviderSetup {

	private final ProviderClient client;

	ProviderSetup(ProviderClient client) {
		this.client = client;
	}

	/**
	 * Obtains the admin token with the bootstrap admin secret, read from the environment
	 * variable {@code IDP_BOOTSTRAP_ADMIN_SECRET}, and renews it every 4 minutes on a
	 * daemon thread.
	 */
	void authenticateAdmin() throws IOException {
		String secret = System.getenv("IDP_BOOTSTRAP_ADMIN_SECRET");
		if (secret == null || secret.isBlank()) {
			throw new IllegalStateException("set IDP_BOOTSTRAP_ADMIN_SECRET to the provider's bootstrap admin secret");
		}
		this.client.authenticateAdmin(secret);
		Thread.ofPlatform().daemon().name("bench-admin-token").start(() -> {
			while (true) {
				try {
					Thread.sleep(240_000);
					this.client.authenticateAdmin(secret);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (Exception ex) {
					System.err.println("admin token renewal failed: " + ex.getMessage());
				}
			}
		});
	}

	/**
	 * Registers a resource server ({@code POST /admin/v1/clients}).
	 * @return its HTTP Basic {@code Authorization} value; never printed
	 */
	String registerResourceServer() throws IOException, InterruptedException {
		ObjectNode rs = ProviderClient.JSON.createObjectNode();
		rs.put("name", "bench-rs-" + System.currentTimeMillis());
		rs.put("kind", "resource_server");
		JsonNode registered = ProviderClient.json(this.client.adminPost("/admin/v1/clients", rs), "resource server");
		return ProviderClient.basic(registered.get("clientId").asString(), registered.get("clientSecret").asString());
	}

	/**
	 * Registers a resource server for a tool server of its own (the kit phase).
	 * @param name its name
	 * @return its client id and secret; never printed
	 */
	String[] registerToolServerClient(String name) throws IOException, InterruptedException {
		ObjectNode rs = ProviderClient.JSON.createObjectNode();
		rs.put("name", name);
		rs.put("kind", "resource_server");
		JsonNode registered = ProviderClient.json(this.client.adminPost("/admin/v1/clients", rs), "resource server");
		return new String[] { registered.get("clientId").asString(), registered.get("clientSecret").asString() };
	}

	/**
	 * Registers an agent that may call one tool: the capability {@code <tool>:<action>}
	 * and the tool {@code <tool>} at {@code mcpServer} with the permission
	 * {@code <action>} (what the policy decision point's rules 2 to 4 ask,
	 * docs/policy.md), and a key the provider generates.
	 * @param name the agent's name
	 * @param owner its owner
	 * @param tool the tool's id
	 * @param action the permission
	 * @param mcpServer the tool server's resource identifier
	 * @return its id and key pair
	 */
	AgentCredentials registerToolAgent(String name, String owner, String tool, String action, String mcpServer)
			throws IOException, InterruptedException {
		ObjectNode body = ProviderClient.JSON.createObjectNode();
		body.put("name", name);
		body.put("owner", owner);
		body.putArray("capabilities").addObject().put("scope", tool + ":" + action).put("riskLevel", "low");
		ObjectNode declared = body.putArray("tools").addObject();
		declared.put("id", tool).put("mcpServer", mcpServer);
		declared.putArray("permissions").add(action);
		body.put("generateKey", true);
		JsonNode agent = ProviderClient.json(this.client.adminPost("/admin/v1/agents", body), "register");
		JsonNode key = agent.get("privateJwk");
		return AgentCredentials.of(agent.get("id").asString(), key.get("kid").asString(), key.get("d").asString(),
				key.get("x").asString());
	}

	/**
	 * Registers an agent with the capabilities {@code crm:read} and {@code crm:write},
	 * read access to the data resource {@code crm}, and a key the provider generates
	 * ({@code POST /admin/v1/agents}).
	 * @param name the agent's name
	 * @param owner its owner
	 * @return its id and key pair
	 */
	AgentCredentials registerAgent(String name, String owner) throws IOException, InterruptedException {
		ObjectNode body = ProviderClient.JSON.createObjectNode();
		body.put("name", name);
		body.put("owner", owner);
		ArrayNode capabilities = body.putArray("capabilities");
		capabilities.addObject().put("scope", "crm:read").put("riskLevel", "low");
		capabilities.addObject().put("scope", "crm:write").put("riskLevel", "medium");
		// what the policy decision phase asks about: reading the data resource crm
		body.putArray("dataAccess")
			.addObject()
			.put("resource", "crm")
			.put("access", "read")
			.put("sensitivity", "internal");
		body.put("generateKey", true);
		JsonNode agent = ProviderClient.json(this.client.adminPost("/admin/v1/agents", body), "register");
		JsonNode key = agent.get("privateJwk");
		return AgentCredentials.of(agent.get("id").asString(), key.get("kid").asString(), key.get("d").asString(),
				key.get("x").asString());
	}

	/**
	 * Revokes a token by its {@code jti} ({@code POST /admin/v1/tokens/revoke}).
	 * @param token the token
	 */
	void revoke(String token) throws IOException, InterruptedException {
		ProviderClient.Answer response = this.client.adminPost("/admin/v1/tokens/revoke",
				Map.of("jti", ProviderClient.jti(token)));
		ProviderClient.json(response, "revoke");
	}

}
