package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.util.List;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same end-to-end journey, the tool server authenticating to the provider with its
 * own key ({@code private_key_jwt}, RFC 7523): a fresh client assertion with each
 * introspection, and its own access token as the Bearer credential of its calls to the
 * policy decision point, whose JSON bodies cannot carry an assertion.
 */
class McpToolServerWithClientKeyEndToEndTests extends McpToolServerEndToEndTests {

	@Override
	List<String> clientCredentials(TestProvider provider, String admin) {
		OctetKeyPair key = TestAgent.newKey();
		HttpResponse<String> registered = provider.postJson("/admin/v1/clients",
				"{\"name\": \"mcp-github-keyed\", \"kind\": \"resource_server\", \"jwk\": "
						+ key.toPublicJWK().toJSONString() + "}",
				admin);
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		assertThat(TestHttp.json(registered).has("clientSecret")).isFalse();
		return List.of("--agentidp.resource-server.client-id=" + TestHttp.json(registered).get("clientId").asString(),
				"--agentidp.resource-server.client-jwk=" + key.toJSONString());
	}

}
