package dev.agentidp.app.tokens;

import java.util.Set;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization server's clients are built once per client row (issue 22): the same
 * row or agent version gives the same {@link RegisteredClient}, and a disabled client or
 * a new version is seen at once, on a real PostgreSQL.
 */
class RegisteredClientReuseTests extends ProviderIntegrationTestSupport {

	private static final String FIRST_SECRET = "reuse-first-secret-0123456789-abcdefghijklmnopq";

	@Autowired
	private RegisteredClientRepository repository;

	@Test
	void theSameRowIsTheSameClientAndADisabledClientIsGoneAtOnce() {
		this.clients.registerWithSecret("reuse-rs", "Reuse", ClientKind.RESOURCE_SERVER, FIRST_SECRET, Set.of());
		RegisteredClient first = this.repository.findByClientId("reuse-rs");
		assertThat(first).isNotNull();
		assertThat(this.repository.findByClientId("reuse-rs")).isSameAs(first);
		this.clients.disable("reuse-rs", "test", "tests");
		assertThat(this.repository.findByClientId("reuse-rs")).isNull();
	}

	@Test
	void anAgentsVersionIsOneClientAndANewVersionANewOne() {
		String id = new TestAgents(this.http, admin().token(), this.http.baseUrl()).register("crm:read").id();
		RegisteredClient first = this.repository.findByClientId(id);
		assertThat(first).isNotNull();
		assertThat(this.repository.findByClientId(id)).isSameAs(first);
		assertThat(admin().patch("/admin/v1/agents/" + id, "{\"tokenPolicy\": {\"defaultTtlSeconds\": 120}}", null)
			.statusCode()).isEqualTo(200);
		RegisteredClient changed = this.repository.findByClientId(id);
		assertThat(changed).isNotSameAs(first);
		assertThat(changed.getTokenSettings().getAccessTokenTimeToLive().getSeconds()).isEqualTo(120);
	}

}
