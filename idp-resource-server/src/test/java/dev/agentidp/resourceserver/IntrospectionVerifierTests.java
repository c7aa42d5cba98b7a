package dev.agentidp.resourceserver;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Introspection as the resource-server client: the cache (off by default) reuses an
 * active answer for at most its time, which is the staleness bound of a revocation; wrong
 * credentials or an unreachable provider are never an active token.
 */
class IntrospectionVerifierTests {

	private final StubProvider provider = new StubProvider();

	@AfterEach
	void stop() {
		this.provider.close();
	}

	private IntrospectionVerifier verifier(Duration ttl, String secret) {
		ResourceServerProperties properties = new ResourceServerProperties(URI.create(this.provider.issuer()),
				URI.create("https://tools.example.com"), StubProvider.CLIENT_ID, secret, null, TokenCheck.INTROSPECTION,
				ttl, 10, Duration.ofSeconds(60), 1000, false, List.of(), Duration.ofSeconds(60), Duration.ofSeconds(30),
				Duration.ofSeconds(2), List.of(), null);
		return new IntrospectionVerifier(
				new ProviderHttp(properties.clientId(), properties.clientSecret(), properties.timeout()), properties,
				Clock.systemUTC());
	}

	private void active(String token) {
		this.provider.introspection.put(token, Map.of("active", true, "sub", "agent-1", "scope", "a b", "aud",
				"https://tools.example.com", "exp", Instant.now().plusSeconds(600).getEpochSecond()));
	}

	@Test
	void withACacheARevokedTokenIsAcceptedForAtMostTheCacheTime() throws InterruptedException {
		IntrospectionVerifier verifier = verifier(Duration.ofMillis(800), StubProvider.CLIENT_SECRET);
		active("t-1");
		assertThat(verifier.verify("t-1").scopes()).containsExactlyInAnyOrder("a", "b");
		int asked = this.provider.introspections.get();
		this.provider.introspection.remove("t-1");
		// still cached: the documented staleness bound
		assertThat(verifier.verify("t-1").subject()).isEqualTo("agent-1");
		assertThat(this.provider.introspections.get()).isEqualTo(asked);
		Thread.sleep(1200);
		assertThatExceptionOfType(InvalidAccessTokenException.class).isThrownBy(() -> verifier.verify("t-1"))
			.withMessageContaining("not active");
	}

	@Test
	void withoutACacheEveryCheckAsks() {
		IntrospectionVerifier verifier = verifier(Duration.ZERO, StubProvider.CLIENT_SECRET);
		active("t-2");
		verifier.verify("t-2");
		verifier.verify("t-2");
		assertThat(this.provider.introspections.get()).isEqualTo(2);
		assertThat(verifier.cached("t-2")).isFalse();
	}

	@Test
	void wrongCredentialsOrNoProviderAreUnavailableNeverActive() {
		active("t-3");
		assertThatExceptionOfType(ProviderUnavailableException.class)
			.isThrownBy(() -> verifier(Duration.ZERO, "wrong").verify("t-3"));
		IntrospectionVerifier verifier = verifier(Duration.ZERO, StubProvider.CLIENT_SECRET);
		this.provider.close();
		assertThatExceptionOfType(ProviderUnavailableException.class).isThrownBy(() -> verifier.verify("t-3"));
	}

}
