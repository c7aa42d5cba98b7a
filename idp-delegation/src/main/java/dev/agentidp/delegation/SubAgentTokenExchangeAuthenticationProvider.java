package dev.agentidp.delegation;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.IllegalAgentStateException;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.AuthenticatingKey;
import dev.agentidp.tokens.IssuedToken;
import dev.agentidp.tokens.OAuthParameters;
import dev.agentidp.tokens.PresentedToken;
import dev.agentidp.tokens.RegistryClients;
import dev.agentidp.tokens.TokenGrant;
import dev.agentidp.tokens.TokenRecord;
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
 * <li>scopes ⊆ the subject token's ({@code invalid_scope}), audience ⊆ the subject
 * token's ({@code invalid_target}), expiry ≤ the subject token's (silently capped), depth
 * ≤ the root agent's {@code maxDelegationDepth} ({@code invalid_request});</li>
 * <li>the sub-agent gets a derived identity in the registry on first use (same owner,
 * capabilities = the granted scopes), reused afterwards; with {@code sub_agent_jwk} the
 * key is registered for it and the token is bound to it ({@code cnf.jkt}, RFC 7638);</li>
 * <li>the token keeps the root principal as {@code sub} and records the path in
 * {@code act} (RFC 8693 §4.1): the outermost {@code act.sub} is the sub-agent now acting,
 * nested ones the agents that delegated before it; {@code client_id} is the parent that
 * asked, {@code parent_jti} the subject token.</li>
 * </ul>
 * Every check runs before anything is written; the sub-agent, the token row and the two
 * {@code token.exchanged} records commit in one transaction. Spring's own
 * {@code OAuth2TokenExchangeAuthenticationProvider} is not used: it checks scopes only
 * against the client registration and writes no {@code act} (docs/tokens.md "Design
 * notes").
 */
public final class SubAgentTokenExchangeAuthenticationProvider implements AuthenticationProvider {

	/** RFC 8693 §3: the token type of an OAuth access token. */
	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	private static final Pattern SUB_AGENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), at most 128 here. */
	private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

	/**
	 * The spaces between scope-tokens, compiled once: {@code String.split(" +")} compiled
	 * it on every exchange (1.5% of an exchange's CPU in a JFR profile, BENCHMARKS.md).
	 */
	private static final Pattern SPACES = Pattern.compile(" +");

	private static final int MAX_JWK_LENGTH = 4096;

	private final TokenService tokens;

	private final AccessTokenMinter minter;

	private final AgentRegistry agents;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	SubAgentTokenExchangeAuthenticationProvider(TokenService tokens, AccessTokenMinter minter, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(minter, "minter cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.tokens = tokens;
		this.minter = minter;
		this.agents = agents;
		this.transactions = transactions;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		SubAgentTokenExchangeAuthenticationToken request = (SubAgentTokenExchangeAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient registeredClient = client.getRegisteredClient();
		Agent parent = RegistryClients.agentOf(registeredClient)
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"Only agents exchange tokens for their sub-agents"));
		ExchangeRequest exchange = ExchangeRequest.read(request.getAdditionalParameters());

		// RFC 8693 §2.2.2 invalid_grant: the subject token must be active and held by the
		// caller
		PresentedToken subject = this.tokens.recognise(exchange.subjectToken())
			.filter(this.tokens::isActive)
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The subject_token is not an active access token of this provider"));
		TokenRecord held = subject.record();
		if (held.agentId() == null) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT, "The subject_token is not an agent's token");
		}
		if (!parent.id().toString().equals(subject.currentActor())) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The subject_token is not held by the authenticating client");
		}
		// narrowing, always: scopes and audience within the subject token's
		if (!held.scopes().containsAll(exchange.scopes())) {
			Set<String> wider = new TreeSet<>(exchange.scopes());
			wider.removeAll(held.scopes());
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"Scope wider than the subject token's: " + String.join(" ", wider));
		}
		List<String> audience = exchange.resources().isEmpty() ? held.audience() : exchange.resources();
		if (!held.audience().containsAll(audience)) {
			throw OAuthParameters.error("invalid_target", "resource must be within the subject token's audience");
		}
		Agent root = this.agents.findAgent(parseUuid(held.subject()))
			.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT,
					"The subject token's root agent no longer exists"));
		int depth = held.depth() + 1;
		int maxDepth = root.tokenPolicy().maxDelegationDepth();
		if (depth > maxDepth) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "Delegation depth " + depth
					+ " exceeds the limit of " + maxDepth + " set by the root agent's tokenPolicy.maxDelegationDepth");
		}
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Duration ttl = OAuthParameters.ttl(request.getAdditionalParameters(),
				Duration.ofSeconds(parent.tokenPolicy().defaultTtlSeconds()),
				Duration.ofSeconds(parent.tokenPolicy().maxTtlSeconds()));
		Instant expiresAt = now.plus(ttl).isAfter(held.expiresAt()) ? held.expiresAt() : now.plus(ttl);
		if (!expiresAt.isAfter(now)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT, "The subject_token expires now");
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
			TokenGrant grant = new TokenGrant(subAgent.id(), held.subject(), parentId, exchange.scopes(), audience,
					held.task(), now, expiresAt, held.jti(), held.rootJti(), depth, act, exchange.jwkThumbprint(),
					held.owner(), subAgent.version(), clientKid);
			IssuedToken token = this.minter.mint(grant, issuer);
			String jti = token.record().jti();
			String subAgentId = subAgent.id().toString();
			// docs/audit.md "Contract": token.exchanged on the parent's chain and on the
			// sub-agent's
			this.events.publishEvent(new TokenExchanged(parentId, parentId, subAgentId, jti, held.jti(),
					exchange.scopes(), depth, expiresAt));
			this.events.publishEvent(new TokenExchanged(subAgentId, parentId, subAgentId, jti, held.jti(),
					exchange.scopes(), depth, expiresAt));
			return new Exchanged(token, subAgentId);
		});
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				exchanged.token().value(), now, expiresAt, exchange.scopes());
		Map<String, Object> additional = new LinkedHashMap<>();
		additional.put("issued_token_type", ACCESS_TOKEN_TYPE);
		additional.put("sub_agent_id", exchanged.subAgentId());
		return new OAuth2AccessTokenAuthenticationToken(registeredClient, client, accessToken, null, additional);
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
		if (this.agents.holdForIssuance(subAgent.id()).isEmpty() || !this.agents.isActiveWithAncestors(subAgent.id())) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"Sub-agent " + exchange.subAgent() + " is not active");
		}
		return subAgent;
	}

	private static UUID parseUuid(String value) {
		try {
			return UUID.fromString(value);
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

	/**
	 * The parameters of an exchange request, checked (RFC 8693 §2.1, docs/tokens.md
	 * "Contract").
	 */
	record ExchangeRequest(String subjectToken, String subAgent, Set<String> scopes, List<String> resources,
			String jwkJson, String jwkThumbprint) {

		static ExchangeRequest read(Map<String, Object> parameters) {
			// RFC 8693 §2.1: subject_token and subject_token_type are required
			String subjectToken = OAuthParameters.single(parameters, "subject_token");
			if (subjectToken == null || subjectToken.isEmpty()) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "subject_token is required");
			}
			String subjectTokenType = OAuthParameters.single(parameters, "subject_token_type");
			if (!ACCESS_TOKEN_TYPE.equals(subjectTokenType)) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						"subject_token_type must be " + ACCESS_TOKEN_TYPE);
			}
			if (parameters.containsKey("actor_token") || parameters.containsKey("actor_token_type")) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						"actor_token is not supported: the authenticating parent is the actor");
			}
			String requested = OAuthParameters.single(parameters, "requested_token_type");
			if (requested != null && !requested.isEmpty() && !ACCESS_TOKEN_TYPE.equals(requested)) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						"requested_token_type must be " + ACCESS_TOKEN_TYPE);
			}
			if (parameters.containsKey("audience")) {
				throw OAuthParameters.error("invalid_target", "audience is not supported here: name resource URIs");
			}
			String subAgent = OAuthParameters.single(parameters, "sub_agent");
			if (subAgent == null || !SUB_AGENT.matcher(subAgent).matches()) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						"sub_agent is required: 1-64 characters of [A-Za-z0-9._-]");
			}
			String scope = OAuthParameters.single(parameters, "scope");
			if (scope == null || scope.isBlank()) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, "scope is required");
			}
			Set<String> scopes = new LinkedHashSet<>(Arrays.asList(SPACES.split(scope.trim())));
			// RFC 6749 §3.3: the scope is a list of scope-tokens (found by fuzzing: a
			// scope-token with control characters or '"' used to be passed on)
			if (!scopes.stream().allMatch((token) -> SCOPE_TOKEN.matcher(token).matches())) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
						"scope must be space-separated RFC 6749 §3.3 scope-tokens of at most 128 characters");
			}
			List<String> resources = OAuthParameters.resources(parameters);
			String jwkJson = OAuthParameters.single(parameters, "sub_agent_jwk");
			String thumbprint = null;
			if (jwkJson != null && !jwkJson.isEmpty()) {
				thumbprint = thumbprint(jwkJson);
			}
			else {
				jwkJson = null;
			}
			return new ExchangeRequest(subjectToken, subAgent, scopes, resources, jwkJson, thumbprint);
		}

		/** RFC 7638 thumbprint of an acceptable public key (Ed25519 or P-256). */
		private static String thumbprint(String json) {
			if (json.length() > MAX_JWK_LENGTH) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "sub_agent_jwk is too large");
			}
			JWK jwk;
			try {
				jwk = JWK.parse(json);
			}
			catch (ParseException ex) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "sub_agent_jwk must be a JWK (JSON)");
			}
			if (jwk.isPrivate()) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						"sub_agent_jwk must be a public key: it has a private part and was not used");
			}
			boolean ed25519 = jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
			boolean p256 = jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
			if (!ed25519 && !p256) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						"sub_agent_jwk must be an Ed25519 (OKP) or P-256 (EC) public key");
			}
			try {
				return jwk.computeThumbprint().toString();
			}
			catch (JOSEException ex) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "sub_agent_jwk cannot be thumbprinted");
			}
		}

	}

}
