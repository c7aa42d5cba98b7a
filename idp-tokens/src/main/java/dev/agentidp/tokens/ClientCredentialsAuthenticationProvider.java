package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

import dev.agentidp.dpop.DpopProof;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The client-credentials grant (RFC 6749 §4.4) for every client: a root agent,
 * authenticated by its own key, gets a short-lived, task-scoped RFC 9068 token; a client
 * that is not an agent (an admin client, a resource server) gets one for its registered
 * scopes. The rules are the {@link ClientCredentialsPolicy}'s; the token is signed and
 * stored by {@link AccessTokenMinter}, as every token is, and its row and its
 * {@code token.issued} audit record commit in one transaction.
 * <p>
 * Inside that transaction the holder is held against suspension, retirement or disabling
 * (issue 14, item 6): a revocation running now waits for this token and then revokes it
 * too; one that has committed already is seen here. An agent is held in the statement
 * that writes its token's row ({@link AccessTokenMinter#mintHeld}); when the hold answers
 * another version of its identity document than the one decided on (it changed
 * meanwhile), or none, that transaction rolls back, and the agent is held first and
 * decided again on the document as it is now.
 */
final class ClientCredentialsAuthenticationProvider implements AuthenticationProvider {

	private final AccessTokenMinter minter;

	private final AgentRegistry agents;

	private final ClientRegistry clients;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final ClientCredentialsPolicy policy;

	private final Clock clock;

	private final TokenRequestProofs proofs;

	private final ClientAttestations attestations;

	ClientCredentialsAuthenticationProvider(AccessTokenMinter minter, AgentRegistry agents, ClientRegistry clients,
			TransactionTemplate transactions, ApplicationEventPublisher events, ClientCredentialsPolicy policy,
			Clock clock, TokenRequestProofs proofs, ClientAttestations attestations) {
		Assert.notNull(minter, "minter cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(clients, "clients cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(policy, "policy cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		Assert.notNull(proofs, "proofs cannot be null");
		Assert.notNull(attestations, "attestations cannot be null");
		this.attestations = attestations;
		this.minter = minter;
		this.agents = agents;
		this.clients = clients;
		this.transactions = transactions;
		this.events = events;
		this.policy = policy;
		this.clock = clock;
		this.proofs = proofs;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2ClientCredentialsAuthenticationToken request = (OAuth2ClientCredentialsAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient registeredClient = client.getRegisteredClient();
		if (registeredClient == null) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The client is not registered");
		}
		// RFC 6749 §5.2: a client not registered for the grant
		if (!registeredClient.getAuthorizationGrantTypes().contains(AuthorizationGrantType.CLIENT_CREDENTIALS)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"The client is not registered for client_credentials");
		}
		AuthorizationServerContext server = AuthorizationServerContextHolder.getContext();
		String issuer = server.getIssuer();
		// RFC 9449 §5: a DPoP proof binds the token to the proof's key
		DpopProof proof = this.proofs.verify(request.getAdditionalParameters(), server);
		String jkt = (proof != null) ? proof.jkt() : null;
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Agent agent = RegistryClients.agentOf(registeredClient).orElse(null);
		Issued issued = (agent != null) ? issueToAgent(agent, request, client, issuer, now, proof)
				: issueToClient(registeredClient, request, client, issuer, now, jkt);
		TokenGrant grant = issued.grant();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(
				(jkt != null) ? OAuth2AccessToken.TokenType.DPOP : OAuth2AccessToken.TokenType.BEARER,
				issued.token().value(), grant.issuedAt(), grant.expiresAt(), grant.scopes());
		return new OAuth2AccessTokenAuthenticationToken(registeredClient, client, accessToken);
	}

	private Issued issueToAgent(Agent agent, OAuth2ClientCredentialsAuthenticationToken request,
			OAuth2ClientAuthenticationToken client, String issuer, Instant now, DpopProof proof) {
		ProofOfPossessionRule.check(agent, proof, now);
		// draft-ietf-oauth-attestation-based-client-auth: the instance is the registered
		// code (docs/workload-identity.md "Attestation")
		Map<String, Object> attested = this.attestations.check(agent, issuer)
			.map((claims) -> Map.<String, Object>of(ClientAttestations.ATTESTED, claims))
			.orElse(Map.of());
		String jkt = (proof != null) ? proof.jkt() : null;
		TokenGrant decided = decideForAgent(agent, request, client, issuer, now, jkt, attested);
		try {
			// the usual case in one round trip fewer: the row written and the agent held
			// in one statement, kept when the agent is still at the version decided on
			return this.transactions.execute((status) -> published(decided, this.minter.mintHeld(decided, issuer)));
		}
		catch (StaleGrantException ex) {
			// rolled back: hold the agent first, then decide again on what it holds
		}
		return issue(() -> {
			Long version = this.agents.holdForIssuance(agent.id())
				.orElseThrow(ClientCredentialsAuthenticationProvider::agentNotActive);
			if (version.longValue() == decided.holder().agentVersion()) {
				return decided;
			}
			// the identity document changed while this request was decided: decide
			// again on the document as it is now
			Agent current = this.agents.findAgent(agent.id())
				.orElseThrow(ClientCredentialsAuthenticationProvider::agentNotActive);
			if (!Objects.equals(current.profile().attestation(), agent.profile().attestation())) {
				// the pinned claims changed meanwhile: the attestation was checked
				// against
				// a document that is no longer the agent's
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT,
						"The agent's attestation changed while the request was decided: retry");
			}
			return decideForAgent(current, request, client, issuer, now, jkt, attested);
		}, issuer);
	}

	private Issued issueToClient(RegisteredClient registeredClient, OAuth2ClientCredentialsAuthenticationToken request,
			OAuth2ClientAuthenticationToken client, String issuer, Instant now, String jkt) {
		ClientCredentialsPolicy.Issuance issuance = this.policy.decideForClient(registeredClient.getScopes(),
				request.getScopes(), issuer, now);
		TokenGrant decided = new TokenGrant(
				TokenGrant.Holder.client(registeredClient.getClientId(), assertionKid(client)), issuance.scopes(),
				issuance.audience(), null, now, issuance.expiresAt(), TokenGrant.Derivation.NONE, null);
		return issue(() -> {
			// another node may still keep the client's row from before it was disabled
			// (ClientRegistry#findClient): the database has the last word
			if (!this.clients.holdForIssuance(registeredClient.getClientId())) {
				// RFC 6749 §5.2: client authentication failed
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The client is disabled");
			}
			return decided;
		}, issuer);
	}

	/**
	 * Mints the token the held decision allows and publishes its {@code token.issued}, in
	 * one transaction.
	 * @param heldDecision holds the token's holder for the transaction and answers the
	 * grant as decided on what it holds
	 */
	private Issued issue(Supplier<TokenGrant> heldDecision, String issuer) {
		return this.transactions.execute((status) -> {
			TokenGrant grant = heldDecision.get();
			return published(grant, this.minter.mint(grant, issuer));
		});
	}

	/** Publishes the minted token's {@code token.issued}, in its transaction. */
	private Issued published(TokenGrant grant, IssuedToken token) {
		this.events.publishEvent(new TokenIssued(grant.holder().agentId(), grant.holder().clientId(),
				token.record().jti(), grant.scopes(), grant.audience(), grant.task(), grant.expiresAt()));
		return new Issued(grant, token);
	}

	/**
	 * The {@link ClientCredentialsPolicy} applied to the agent's identity document as
	 * given, and the token it allows.
	 */
	private TokenGrant decideForAgent(Agent agent, OAuth2ClientCredentialsAuthenticationToken request,
			OAuth2ClientAuthenticationToken client, String issuer, Instant now, String jkt,
			Map<String, Object> extraClaims) {
		ClientCredentialsPolicy.Issuance issuance = this.policy.decide(ClientCredentialsPolicy.Requester.of(agent),
				request.getScopes(), request.getAdditionalParameters(), issuer, now);
		String agentId = agent.id().toString();
		TokenGrant.Holder holder = new TokenGrant.Holder(agent.id(), agentId, agentId, agent.owner(), agent.version(),
				AuthenticatingKey.of(client, agent, now));
		return new TokenGrant(holder, issuance.scopes(), issuance.audience(), issuance.task(), now,
				issuance.expiresAt(), TokenGrant.Derivation.NONE, jkt, extraClaims);
	}

	/** The {@code kid} of a verified client assertion, if it names one. */
	private static String assertionKid(OAuth2ClientAuthenticationToken client) {
		return (client.getCredentials() instanceof Jwt assertion
				&& assertion.getHeaders().get("kid") instanceof String kid) ? kid : null;
	}

	private static OAuth2AuthenticationException agentNotActive() {
		return OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The agent is not active");
	}

	/** A token and the grant it was minted for. */
	private record Issued(TokenGrant grant, IssuedToken token) {
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2ClientCredentialsAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
