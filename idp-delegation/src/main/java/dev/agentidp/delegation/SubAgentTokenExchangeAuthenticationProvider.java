package dev.agentidp.delegation;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.agentidp.dpop.DpopProof;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.IllegalAgentStateException;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.AuthenticatingKey;
import dev.agentidp.tokens.IssuedToken;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.OAuthParameters;
import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.tokens.PresentedToken;
import dev.agentidp.tokens.RegistryClients;
import dev.agentidp.tokens.SubBudgetRefusedException;
import dev.agentidp.tokens.SubBudgets;
import dev.agentidp.tokens.TokenGrant;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.ClientAttestations;
import dev.agentidp.tokens.ProofOfPossessionRule;
import dev.agentidp.tokens.TokenRequestProofs;
import dev.agentidp.tokens.TokenService;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Sub-agent delegation: RFC 8693 token exchange that can only narrow. A parent agent,
 * authenticated by its own key, exchanges a token it currently holds for a token of a
 * named sub-agent:
 * <ul>
 * <li>the request's syntax was checked by the converter ({@link ExchangeRequest}); the
 * subject token must be active and held by the caller ({@code invalid_grant}); every
 * narrowing limit is {@link DelegationPolicy}'s;</li>
 * <li>the sub-agent gets a derived identity in the registry on first use (same owner,
 * capabilities = the granted scopes), reused afterwards; with {@code sub_agent_jwk} the
 * key is registered for it and the token is bound to it ({@code cnf.jkt}, RFC 7638);</li>
 * <li>the token keeps the root principal as {@code sub} and records the path in
 * {@code act} (RFC 8693 §4.1): the outermost {@code act.sub} is the sub-agent now acting,
 * nested ones the agents that delegated before it; {@code client_id} is the parent that
 * asked, {@code parent_jti} the subject token.</li>
 * </ul>
 * With {@code budget}, part of what the subject token may still spend is carved for the
 * derived token ({@link SubBudgets}, issue 16). Every check runs before anything is
 * written; the sub-agent, the token row and the two {@code token.exchanged} records
 * commit in one transaction. Spring's own
 * {@code OAuth2TokenExchangeAuthenticationProvider} is not used: it checks scopes only
 * against the client registration and writes no {@code act} (docs/tokens.md "Design
 * notes").
 */
final class SubAgentTokenExchangeAuthenticationProvider implements AuthenticationProvider {

	private final TokenService tokens;

	private final AccessTokenMinter minter;

	private final ClientAttestations attestations;

	private final AgentRegistry agents;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final DelegationPolicy policy;

	private final Clock clock;

	private final TokenRequestProofs proofs;

	private final SubBudgets subBudgets;

	SubAgentTokenExchangeAuthenticationProvider(TokenService tokens, AccessTokenMinter minter, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events, DelegationPolicy policy, Clock clock,
			TokenRequestProofs proofs, SubBudgets subBudgets, ClientAttestations attestations) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(attestations, "attestations cannot be null");
		Assert.notNull(minter, "minter cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(policy, "policy cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		Assert.notNull(proofs, "proofs cannot be null");
		Assert.notNull(subBudgets, "subBudgets cannot be null");
		this.tokens = tokens;
		this.attestations = attestations;
		this.minter = minter;
		this.agents = agents;
		this.transactions = transactions;
		this.events = events;
		this.policy = policy;
		this.clock = clock;
		this.proofs = proofs;
		this.subBudgets = subBudgets;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		SubAgentTokenExchangeAuthenticationToken request = (SubAgentTokenExchangeAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient registeredClient = client.getRegisteredClient();
		Agent parent = RegistryClients.agentOf(registeredClient)
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"Only agents exchange tokens for their sub-agents"));
		ExchangeRequest exchange = request.exchange();

		// RFC 8693 §2.2.2 invalid_grant: the subject token must be active and held by the
		// caller
		PresentedToken subject = this.tokens.recognise(exchange.subjectToken())
			.filter(this.tokens::isActive)
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The subject_token is not an active access token of this provider"));
		TokenRecord held = subject.record();
		if (held.holder().agentId() == null) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT, "The subject_token is not an agent's token");
		}
		if (!parent.id().toString().equals(subject.currentActor())) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The subject_token is not held by the authenticating client");
		}
		// RFC 9449 §5 and issue 17, item 3: a token bound to a key (cnf.jkt) is exchanged
		// only with a proof by that key; the proof also binds the derived token when no
		// sub_agent_jwk names the sub-agent's own key
		DpopProof proof = this.proofs.verify(request.getAdditionalParameters(),
				AuthorizationServerContextHolder.getContext());
		// the caller's own tokenPolicy.proofOfPossession (issue 17, item 2)
		ProofOfPossessionRule.check(parent, proof, this.clock.instant());
		// draft-ietf-oauth-attestation-based-client-auth: an agent that pins its code
		// attests every token request, exchanges included (docs/workload-identity.md);
		// the derived token carries what was attested
		Optional<Map<String, Object>> attested = this.attestations.check(parent,
				AuthorizationServerContextHolder.getContext().getIssuer());
		if (held.cnfJkt() != null && (proof == null || !held.cnfJkt().equals(proof.jkt()))) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_DPOP_PROOF, (proof == null)
					? "The subject_token is bound to a key (cnf.jkt): the request needs a DPoP proof signed by it"
					: "The DPoP proof is not signed by the key the subject_token is bound to (cnf.jkt)");
		}
		String boundTo = (exchange.jwkThumbprint() != null) ? exchange.jwkThumbprint()
				: (proof != null) ? proof.jkt() : null;
		Agent root = root(parent, rootAgentId(held.holder().subject()));
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		this.policy.checkOversight(exchange.scopes(), root.profile().humanOversight().requiredFor(),
				subject.claims().get("approval") instanceof Map<?, ?>);
		// narrowing, always: scopes, audience, depth and expiry within the subject
		// token's and the root's limits
		DelegationPolicy.Narrowing narrowed = this.policy.decide(held, exchange, parent.tokenPolicy(),
				root.tokenPolicy(), now);
		Set<String> scopes = narrowed.scopes();
		// issue 19, item 7: an approved action passes on only within the approval
		Map<String, Object> approvalClaims = new LinkedHashMap<>();
		attested.ifPresent((claims) -> approvalClaims.put(ClientAttestations.ATTESTED, claims));
		if (subject.claims().get("approval") instanceof Map<?, ?> approval) {
			List<AuthorizationDetail> details = this.policy.narrowDetails(
					AuthorizationDetail.fromClaim(subject.claims().get("authorization_details")),
					exchange.authorizationDetails(), scopes);
			if (!details.isEmpty()) {
				approvalClaims.put("authorization_details", AuthorizationDetail.claim(details));
				approvalClaims.put("approval", approval);
			}
		}
		else if (exchange.authorizationDetails() != null) {
			throw OAuthParameters.error(DelegationPolicy.INVALID_AUTHORIZATION_DETAILS,
					"authorization_details pass on only from an approved subject token (docs/approvals.md)");
		}
		List<String> audience = narrowed.audience();
		int depth = narrowed.depth();
		Instant expiresAt = narrowed.expiresAt();
		// issue 16: a sub-budget fits in what the subject token may still spend, and its
		// root agent has a budget to carve it from
		BigDecimal budget = exchange.budget();
		if (budget != null) {
			this.subBudgets.refusal(held, budget).ifPresent((reason) -> {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, reason);
			});
		}
		String clientKid = AuthenticatingKey.of(client, parent, now);
		String issuer = AuthorizationServerContextHolder.getContext().getIssuer();
		String parentId = parent.id().toString();
		Exchanged exchanged = this.transactions.execute((status) -> {
			// issue 14, item 6: checked again, held, inside the transaction that writes
			// the child, so that a concurrent revocation of the subject token revokes the
			// child too, or the child is refused
			if (!this.tokens.holdForDerivation(subject)) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
						"The subject_token is not an active access token of this provider");
			}
			Agent subAgent = deriveSubAgent(parent, exchange);
			Map<String, Object> act = new LinkedHashMap<>();
			act.put("sub", subAgent.id().toString());
			if (subject.claims().get("act") instanceof Map<?, ?> earlier) {
				act.put("act", earlier);
			}
			TokenGrant grant = new TokenGrant(
					new TokenGrant.Holder(subAgent.id(), held.holder().subject(), parentId, held.holder().owner(),
							subAgent.version(), clientKid),
					scopes, audience, held.task(), now, expiresAt,
					new TokenGrant.Derivation(held.jti(), held.family().rootJti(), depth, act), boundTo,
					approvalClaims);
			IssuedToken token = this.minter.mint(grant, issuer);
			Jti jti = token.record().jti();
			if (budget != null) {
				carve(held, jti, budget);
			}
			AgentId subAgentId = subAgent.id();
			// docs/audit.md "Contract": token.exchanged on the parent's chain and on the
			// sub-agent's
			this.events.publishEvent(new TokenExchanged(parent.id(), parent.id(), subAgentId, jti, held.jti(), scopes,
					depth, expiresAt, budget));
			this.events.publishEvent(new TokenExchanged(subAgentId, parent.id(), subAgentId, jti, held.jti(), scopes,
					depth, expiresAt, budget));
			return new Exchanged(token, subAgentId.toString());
		});
		// RFC 9449 §5: a bound token is a DPoP token
		OAuth2AccessToken accessToken = new OAuth2AccessToken(
				(boundTo != null) ? OAuth2AccessToken.TokenType.DPOP : OAuth2AccessToken.TokenType.BEARER,
				exchanged.token().value(), now, expiresAt, scopes);
		Map<String, Object> additional = new LinkedHashMap<>();
		additional.put("issued_token_type", ExchangeRequest.ACCESS_TOKEN_TYPE);
		additional.put("sub_agent_id", exchanged.subAgentId());
		return new OAuth2AccessTokenAuthenticationToken(registeredClient, client, accessToken, null, additional);
	}

	/**
	 * Carves the sub-budget in the transaction; spent concurrently since the check, it is
	 * refused and the transaction, token row included, rolls back.
	 */
	private void carve(TokenRecord held, Jti jti, BigDecimal budget) {
		try {
			this.subBudgets.carve(held, jti, budget);
		}
		catch (SubBudgetRefusedException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, ex.getMessage());
		}
	}

	private Agent deriveSubAgent(Agent parent, ExchangeRequest exchange) {
		Agent subAgent;
		try {
			subAgent = this.agents.registerSubAgent(parent.id(), exchange.subAgent(), exchange.scopes(),
					exchange.jwkJson(), parent.id().toString());
		}
		catch (InvalidInputException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, ex.getMessage());
		}
		catch (IllegalAgentStateException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, ex.getMessage());
		}
		if (this.agents.holdForIssuanceWithAncestors(subAgent.id()).isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"Sub-agent " + exchange.subAgent() + " is not active");
		}
		return subAgent;
	}

	/**
	 * The subject token's root agent. When the parent is the root (its own token
	 * exchanged), it is the agent that authenticated this request, on its document as it
	 * is now (client authentication reads the agent's current version): read again, it
	 * would be the same row.
	 */
	private Agent root(Agent parent, AgentId rootId) {
		if (rootId.equals(parent.id())) {
			return parent;
		}
		return this.agents.findAgent(rootId)
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The subject token's root agent no longer exists"));
	}

	private static AgentId rootAgentId(String value) {
		try {
			return AgentId.of(value);
		}
		catch (IllegalArgumentException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT, "The subject token's root is not an agent");
		}
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return SubAgentTokenExchangeAuthenticationToken.class.isAssignableFrom(authentication);
	}

	private record Exchanged(IssuedToken token, String subAgentId) {
	}

}
