package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The client-credentials grant (RFC 6749 §4.4) for agents: a root agent, authenticated by
 * its own key, gets a short-lived, task-scoped RFC 9068 token. Clients that are not
 * agents are left to Spring's own provider (this one answers {@code null} for them).
 * <p>
 * Rules (docs/tokens.md "Contract"): only root agents (a derived sub-agent is
 * {@code unauthorized_client}: it gets tokens by exchange); {@code scope} required and
 * within the agent's capabilities ({@code invalid_scope}); {@code resource} → {@code aud}
 * (RFC 8707), each one the agent declares ({@link AgentAudiences},
 * {@code invalid_target}); {@code task} → {@code task}; {@code ttl} capped by the agent's
 * maximum and 24 h. The token row and its {@code token.issued} audit record commit in one
 * transaction.
 */
public final class AgentClientCredentialsAuthenticationProvider implements AuthenticationProvider {

	private final AccessTokenMinter minter;

	private final AgentRegistry agents;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final String defaultAudience;

	private final Clock clock;

	AgentClientCredentialsAuthenticationProvider(AccessTokenMinter minter, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events, String defaultAudience, Clock clock) {
		Assert.notNull(minter, "minter cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.minter = minter;
		this.agents = agents;
		this.transactions = transactions;
		this.events = events;
		this.defaultAudience = defaultAudience;
		this.clock = clock;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2ClientCredentialsAuthenticationToken request = (OAuth2ClientCredentialsAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient registeredClient = client.getRegisteredClient();
		Agent agent = (registeredClient != null) ? RegistryClients.agentOf(registeredClient).orElse(null) : null;
		if (agent == null) {
			return null;
		}
		// docs/tokens.md "Contract": sub-agents get tokens only by exchange, never
		// outside their root's
		// authority
		if (agent.isDerived()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"A derived sub-agent obtains tokens by token exchange only");
		}
		String issuer = AuthorizationServerContextHolder.getContext().getIssuer();
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		TokenGrant decided = decide(agent, request, client, issuer, now);
		Issued issued = this.transactions.execute((status) -> {
			// issue 14, item 6: a suspension, retirement or removal of capabilities
			// running
			// now waits for this transaction, and its revocation then sees this token;
			// one
			// that has committed already is seen here
			Long version = this.agents.holdForIssuance(agent.id())
				.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The agent is not active"));
			TokenGrant held = decided;
			if (version.longValue() != decided.agentVersion()) {
				// the identity document changed while this request was decided: decide
				// again on the document as it is now
				Agent current = this.agents.findAgent(agent.id())
					.orElseThrow(
							() -> OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "The agent is not active"));
				held = decide(current, request, client, issuer, now);
			}
			IssuedToken token = this.minter.mint(held, issuer);
			this.events.publishEvent(new TokenIssued(agent.id(), held.subject(), token.record().jti(),
					request.getScopes(), held.audience(), held.task(), held.expiresAt()));
			return new Issued(held, token);
		});
		TokenGrant grant = issued.grant();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				issued.token().value(), grant.issuedAt(), grant.expiresAt(), request.getScopes());
		return new OAuth2AccessTokenAuthenticationToken(registeredClient, client, accessToken);
	}

	/**
	 * The rules of docs/tokens.md "Contract" for a root agent's request, applied to its
	 * identity document as given.
	 */
	private static TokenGrant decide(Agent agent, OAuth2ClientCredentialsAuthenticationToken request,
			OAuth2ClientAuthenticationToken client, String issuer, Instant now, String defaultAudience) {
		Set<String> scopes = request.getScopes();
		// RFC 6749 §3.3: scope is required of agents here, and within the capabilities
		if (scopes.isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, "scope is required");
		}
		if (!agent.scopes().containsAll(scopes)) {
			Set<String> outside = new TreeSet<>(scopes);
			outside.removeAll(agent.scopes());
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"Scope outside the agent's capabilities: " + String.join(" ", outside));
		}
		Map<String, Object> parameters = request.getAdditionalParameters();
		List<String> resources = OAuthParameters.resources(parameters);
		String task = OAuthParameters.task(parameters);
		Duration ttl = OAuthParameters.ttl(parameters, Duration.ofSeconds(agent.tokenPolicy().defaultTtlSeconds()),
				Duration.ofSeconds(agent.tokenPolicy().maxTtlSeconds()));
		List<String> audience = AgentAudiences.of(agent.profile().audiences(), resources,
				StringUtils.hasText(defaultAudience) ? defaultAudience : issuer);
		String agentId = agent.id().toString();
		return new TokenGrant(agent.id(), agentId, agentId, scopes, audience, task, now, now.plus(ttl), null, null, 0,
				null, null, agent.owner(), agent.version(), AuthenticatingKey.of(client, agent, now));
	}

	private TokenGrant decide(Agent agent, OAuth2ClientCredentialsAuthenticationToken request,
			OAuth2ClientAuthenticationToken client, String issuer, Instant now) {
		return decide(agent, request, client, issuer, now, this.defaultAudience);
	}

	/** A token and the grant it was minted for. */
	private record Issued(TokenGrant grant, IssuedToken token) {
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2ClientCredentialsAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
