package dev.agentidp.approvals;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.agentidp.dpop.DpopProof;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.Tool;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.AuthenticatingKey;
import dev.agentidp.tokens.IssuedToken;
import dev.agentidp.tokens.OAuthParameters;
import dev.agentidp.tokens.ClientAttestations;
import dev.agentidp.tokens.ProofOfPossessionRule;
import dev.agentidp.tokens.RegistryClients;
import dev.agentidp.tokens.TokenGrant;
import dev.agentidp.tokens.TokenRequestProofs;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The CIBA grant (CIBA §10, §11, poll mode): the agent polls with its {@code auth_req_id}
 * and is answered {@code authorization_pending}, {@code slow_down},
 * {@code access_denied}, {@code expired_token} or {@code invalid_grant}
 * ({@link Approvals#poll}), or, once approved, gets one token (single use) whose
 * {@code authorization_details} are exactly the approved ones and which carries
 * {@code approval: {id, approver, approvedAt}}. Its audience is the MCP servers of the
 * approved tools; it lives at most the agent's
 * {@code tokenPolicy.approvedTokenTtlSeconds} (5 min by default), never longer than its
 * {@code tokenPolicy.maxTtlSeconds}. It is issued as every token is
 * ({@link AccessTokenMinter}: store row, introspection), and its {@code token.issued}
 * (with the approval's id) commits with the collected mark.
 */
final class CibaAuthenticationProvider implements AuthenticationProvider {

	private final Approvals approvals;

	private final AgentRegistry agents;

	private final AccessTokenMinter minter;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final TokenRequestProofs proofs;

	private final ClientAttestations attestations;

	private final Clock clock;

	CibaAuthenticationProvider(Approvals approvals, AgentRegistry agents, AccessTokenMinter minter,
			TransactionTemplate transactions, ApplicationEventPublisher events, TokenRequestProofs proofs,
			ClientAttestations attestations, Clock clock) {
		Assert.notNull(approvals, "approvals cannot be null");
		Assert.notNull(attestations, "attestations cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(minter, "minter cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(proofs, "proofs cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.approvals = approvals;
		this.agents = agents;
		this.minter = minter;
		this.transactions = transactions;
		this.events = events;
		this.proofs = proofs;
		this.attestations = attestations;
		this.clock = clock;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		CibaAuthenticationToken request = (CibaAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient registeredClient = client.getRegisteredClient();
		// CIBA §4: only agents ask for approvals, so only agents poll
		Agent agent = RegistryClients.agentOf(registeredClient)
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"Only agents use the CIBA grant"));
		AuthorizationServerContext server = AuthorizationServerContextHolder.getContext();
		String issuer = server.getIssuer();
		// RFC 9449 §5: a DPoP proof binds the approved token too
		DpopProof proof = this.proofs.verify(request.getAdditionalParameters(), server);
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		ProofOfPossessionRule.check(agent, proof, now);
		// draft-ietf-oauth-attestation-based-client-auth: an agent that pins its code
		// attests every token request, the poll that collects an approval included
		Optional<Map<String, Object>> attested = this.attestations.check(agent, issuer);
		String jkt = (proof != null) ? proof.jkt() : null;
		String clientKid = AuthenticatingKey.of(client, agent, now);
		Outcome outcome = this.transactions.execute((status) -> {
			Approvals.Poll poll = this.approvals.poll(registeredClient.getClientId(), request.authReqId(),
					this.clock.instant());
			if (poll instanceof Approvals.Poll.Refused refused) {
				// committed: the poll's time (slow_down across nodes), an expiry
				return new Outcome(refused, null, null);
			}
			ApprovalRequests.Row row = ((Approvals.Poll.Approved) poll).row();
			Long version = this.agents.holdForIssuance(agent.id())
				.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The agent is not active"));
			Agent current = (version.longValue() == agent.version()) ? agent : this.agents.findAgent(agent.id())
				.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The agent is not active"));
			TokenGrant grant = grant(current, row, clientKid, now, jkt, attested);
			IssuedToken token = this.minter.mint(grant, issuer);
			String jti = token.record().jti().value();
			this.approvals.collected(row.id(), jti, now);
			this.events.publishEvent(new ApprovedTokenIssued(current.id(), registeredClient.getClientId(), jti,
					grant.scopes(), grant.audience(), grant.expiresAt(), row.id(), row.decidedBy()));
			return new Outcome(null, grant, token);
		});
		if (outcome.refused() != null) {
			throw OAuthParameters.error(outcome.refused().error(), outcome.refused().description());
		}
		TokenGrant grant = outcome.grant();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(
				(jkt != null) ? OAuth2AccessToken.TokenType.DPOP : OAuth2AccessToken.TokenType.BEARER,
				outcome.token().value(), grant.issuedAt(), grant.expiresAt(), grant.scopes());
		return new OAuth2AccessTokenAuthenticationToken(registeredClient, client, accessToken);
	}

	/**
	 * The approved token: exactly the approved scopes and authorization details, for the
	 * approved tools' servers, while the agent's document still allows them.
	 */
	private TokenGrant grant(Agent agent, ApprovalRequests.Row row, String clientKid, Instant now, String jkt,
			Optional<Map<String, Object>> attested) {
		// the document may have changed since the request: what it no longer allows is
		// not issued (RFC 6749 §5.2 invalid_grant)
		if (!agent.scopes().containsAll(row.scopes())) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The agent's capabilities no longer cover the approved scopes");
		}
		Set<String> audience = new LinkedHashSet<>();
		for (AuthorizationDetail detail : row.details()) {
			Tool tool = agent.profile()
				.tools()
				.stream()
				.filter((declared) -> declared.id().equals(detail.tool())
						&& declared.permissions().contains(detail.action()))
				.findFirst()
				.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
						"The agent no longer declares tool " + detail.tool() + " with action " + detail.action()));
			audience.add(tool.mcpServer());
		}
		// tokenPolicy.approvedTokenTtlSeconds (5 min by default), within maxTtlSeconds
		long ttl = Math.min(agent.tokenPolicy().approvedTokenTtlSeconds(), agent.tokenPolicy().maxTtlSeconds());
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("authorization_details", AuthorizationDetail.claim(row.details()));
		Map<String, Object> approval = new LinkedHashMap<>();
		approval.put("id", row.id().toString());
		approval.put("approver", row.decidedBy());
		approval.put("approvedAt", row.decidedAt().getEpochSecond());
		claims.put("approval", approval);
		attested.ifPresent((matched) -> claims.put(ClientAttestations.ATTESTED, matched));
		String agentId = agent.id().toString();
		TokenGrant.Holder holder = new TokenGrant.Holder(agent.id(), agentId, agentId, agent.owner(), agent.version(),
				clientKid);
		return new TokenGrant(holder, row.scopes(), List.copyOf(audience), null, now, now.plusSeconds(ttl),
				TokenGrant.Derivation.NONE, jkt, claims);
	}

	private record Outcome(Approvals.Poll.Refused refused, TokenGrant grant, IssuedToken token) {
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return CibaAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
