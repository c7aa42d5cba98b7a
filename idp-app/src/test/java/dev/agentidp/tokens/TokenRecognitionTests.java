package dev.agentidp.tokens;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link TokenService#recognise} keeps each recognised token's parsed payload: a token
 * presented again is parsed once, but still checked against its row every time (an
 * altered token, a revoked one), and no string that did not match a row is kept.
 */
class TokenRecognitionTests extends ProviderIntegrationTestSupport {

	@Autowired
	TokenService tokens;

	@Test
	void aTokenPresentedAgainGivesTheSameUnmodifiableClaimsAndItsRowIsReadEachTime() {
		TestAgent agent = new TestAgents(this.http, admin().token(), this.http.baseUrl())
			.register(List.of("https://api.example.com/crm", "https://mcp.example.com/tools"), "crm:read");
		String token = agent.token(this.http, "crm:read", Map.of(), "https://api.example.com/crm",
				"https://mcp.example.com/tools");
		PresentedToken first = this.tokens.recognise(token).orElseThrow();
		PresentedToken again = this.tokens.recognise(new String(token.toCharArray())).orElseThrow();
		assertThat(again.claims()).isEqualTo(first.claims()).containsKeys("jti", "exp", "aud", "scope");
		assertThat(again.record().jti()).isEqualTo(first.record().jti());
		// the agent's state came with the row, in the same statement
		assertThat(first.agentRead()).isTrue();
		assertThat(first.agentActiveVersion())
			.isEqualTo(this.agents.getAgent(dev.agentidp.registry.AgentId.of(agent.id())).version());
		// one parse serves every presentation, so nobody may change it
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> again.claims().put("scope", "admin"));
		assertThat(again.claims().get("aud")).isInstanceOf(List.class);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> ((List<Object>) again.claims().get("aud")).add("https://evil.example"));
		assertThat(this.tokens.isActive(again)).isTrue();
		// revoked after it was kept: the row says so at the next presentation
		this.tokens.revoke(again, "test", "recognition test");
		PresentedToken revoked = this.tokens.recognise(token).orElseThrow();
		assertThat(revoked.record().lifetime().revokedAt()).isNotNull();
		assertThat(this.tokens.isActive(revoked)).isFalse();
	}

	@Test
	void anAlteredTokenIsNotRecognisedAfterTheGenuineOneWasAndNothingUnmatchedIsKept() {
		TestAgent agent = new TestAgents(this.http, admin().token(), this.http.baseUrl()).register("crm:read");
		String token = agent.token(this.http, "crm:read");
		assertThat(this.tokens.recognise(token)).isPresent();
		long kept = this.tokens.parsedTokensKept();
		// the same header and payload (so the same jti and exp) with another signature
		int lastDot = token.lastIndexOf('.');
		char flipped = (token.charAt(lastDot + 1) == 'A') ? 'B' : 'A';
		String altered = token.substring(0, lastDot + 1) + flipped + token.substring(lastDot + 2);
		for (int i = 0; i < 3; i++) {
			assertThat(this.tokens.recognise(altered)).isEmpty();
		}
		assertThat(this.tokens.recognise(token + "x")).isEmpty();
		assertThat(this.tokens.recognise("a.b.c")).isEmpty();
		assertThat(this.tokens.parsedTokensKept()).isEqualTo(kept);
		Optional<PresentedToken> genuine = this.tokens.recognise(token);
		assertThat(genuine).isPresent();
		assertThat(this.tokens.parsedTokensKept()).isEqualTo(kept);
	}

}
