package dev.agentidp.tokens;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.util.Assert;

/**
 * Client authentication of an agent ({@code private_key_jwt}, RFC 7523) on the version of
 * it this node last found active, confirmed by the database in the statement that records
 * the assertion's first use (issue 22: the read of the agent's chain before the assertion
 * was verified was a round trip of its own on every token request).
 * <p>
 * The rule: the agent a request is authenticated as is the agent the registry has now. It
 * is kept so:
 * <ol>
 * <li>Spring's {@code JwtClientAssertionAuthenticationProvider} runs with the agent as
 * this node last saw it ({@link RegistryClients#lastSeenAgent}): its keys verify the
 * assertion, and RFC 7523 §3's checks run as always.</li>
 * <li>The last of them, the {@code jti}'s first use, reads in the same statement the
 * agent's version if it and every ancestor are active
 * ({@link ClientAssertions#firstUseReadingVersion}). Only when that is the version that
 * verified the assertion is the request authenticated.</li>
 * <li>Anything else (the agent changed, was suspended, or the assertion was refused for
 * any reason) is not answered: the same provider runs again, on the agent read from the
 * registry as before, and its answer, success or refusal, is the one given, counted and
 * audited. The {@code jti} the first run recorded counts, in that second run only, as
 * this request's own first use.</li>
 * </ol>
 * An agent never seen on this node, one that declares workload identities (whose
 * assertions are verified elsewhere, {@link WorkloadAssertions}), and every client that
 * is not an agent go straight to the second run, which is how every request was
 * authenticated before.
 */
final class LastSeenAgentAuthentication implements AuthenticationProvider {

	/** RFC 7523 §2.2's assertion type, as Spring's converter names the method. */
	private static final ClientAuthenticationMethod JWT_BEARER = new ClientAuthenticationMethod(
			"urn:ietf:params:oauth:client-assertion-type:jwt-bearer");

	/** The guess being tried on the request thread, if any. */
	private static final ThreadLocal<Guess> GUESS = new ThreadLocal<>();

	private final AuthenticationProvider assertions;

	private final RegistryClients clients;

	/**
	 * @param assertions Spring's provider of {@code private_key_jwt}, with
	 * {@link ClientAssertionDecoders}
	 * @param clients the registry's clients
	 */
	LastSeenAgentAuthentication(AuthenticationProvider assertions, RegistryClients clients) {
		Assert.notNull(assertions, "assertions cannot be null");
		Assert.notNull(clients, "clients cannot be null");
		this.assertions = assertions;
		this.clients = clients;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		RegisteredClient lastSeen = (authentication instanceof OAuth2ClientAuthenticationToken client
				&& JWT_BEARER.equals(client.getClientAuthenticationMethod())
				&& client.getPrincipal() instanceof String clientId) ? this.clients.lastSeenAgent(clientId) : null;
		if (lastSeen == null) {
			return this.assertions.authenticate(authentication);
		}
		Guess guess = new Guess(lastSeen);
		GUESS.set(guess);
		try {
			try {
				Authentication authenticated = this.assertions.authenticate(authentication);
				if (guess.confirmed) {
					return authenticated;
				}
			}
			catch (OAuth2AuthenticationException ex) {
				// not answered: decided again below, on the agent as the registry has it
			}
			guess.client = null;
			return this.assertions.authenticate(authentication);
		}
		finally {
			GUESS.remove();
		}
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.assertions.supports(authentication);
	}

	/**
	 * The registered client being tried for a client id on this thread, for
	 * {@link RegistryClients#findByClientId}.
	 * @param clientId the client id looked up
	 * @return the last seen agent's registered client, or {@code null} when none is being
	 * tried for that id
	 */
	static RegisteredClient tried(String clientId) {
		Guess guess = GUESS.get();
		return (guess != null && guess.client != null && guess.client.getClientId().equals(clientId)) ? guess.client
				: null;
	}

	/**
	 * The guess of this request, for {@link ClientAssertionDecoders}.
	 * @return the guess, or {@code null} when the request makes none
	 */
	static Guess current() {
		return GUESS.get();
	}

	/** One request's guess: what was tried, whether it held, the jti it consumed. */
	static final class Guess {

		private RegisteredClient client;

		private boolean confirmed;

		private String consumedClientId;

		private String consumedJti;

		private Guess(RegisteredClient client) {
			this.client = client;
		}

		/**
		 * @return whether the request is being authenticated on the last seen agent (the
		 * first run), not yet on the registry's answer
		 */
		boolean trying() {
			return this.client != null;
		}

		/**
		 * @return the version of the agent being tried
		 */
		long version() {
			return RegistryClients.agentOf(this.client).orElseThrow().version();
		}

		/** The database answered the tried version: the first run's answer stands. */
		void confirm() {
			this.confirmed = true;
		}

		/** The first run recorded this jti and then found the agent changed. */
		void consumed(String clientId, String jti) {
			this.consumedClientId = clientId;
			this.consumedJti = jti;
		}

		/**
		 * Whether the first run of this request recorded the jti: in the second run, this
		 * request's own first use, not a replay.
		 */
		boolean consumedHere(String clientId, String jti) {
			return clientId.equals(this.consumedClientId) && jti.equals(this.consumedJti);
		}

	}

}
