package dev.agentidp.tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.TokenPolicy;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The issuance limits of the client-credentials grant for agents (docs/tokens.md
 * "Contract"), in the order they are checked:
 * <ol>
 * <li>only root agents: a derived sub-agent gets tokens by exchange only, never outside
 * its root's authority ({@code unauthorized_client});</li>
 * <li>{@code scope} is required ({@code invalid_scope});</li>
 * <li>every scope is one of the agent's capabilities ({@code invalid_scope});</li>
 * <li>no scope is one its {@code humanOversight.requiredFor} lists: such a scope is
 * granted only by a human's approval, through {@code /oauth2/bc-authorize} (OpenID CIBA
 * Core 1.0; {@code invalid_scope});</li>
 * <li>{@code resource}, {@code task} and {@code ttl} are well formed
 * ({@link OAuthParameters});</li>
 * <li>the lifetime is {@code ttl}, else the agent's
 * {@code tokenPolicy.defaultTtlSeconds}, capped by its {@code tokenPolicy.maxTtlSeconds}
 * and 24 h;</li>
 * <li>the audience is the resources asked for, each one the agent declares
 * ({@link AgentAudiences}, {@code invalid_target}), else the default audience.</li>
 * </ol>
 * A client that is not an agent (an admin client, a resource server) is decided by
 * {@link #decideForClient}: every scope asked for is one it is registered with
 * ({@code invalid_scope}), none asked for is none granted, its tokens live
 * {@link RegistryClients#CLIENT_TOKEN_TTL} and name the default audience, as Spring's own
 * client-credentials provider decided before this provider issued every client's token.
 * <p>
 * A pure function of the client's registration and the request: no database, no clock of
 * its own, so each rule is unit-tested alone.
 */
final class ClientCredentialsPolicy {

	private final String defaultAudience;

	/**
	 * @param defaultAudience {@code idp.tokens.default-audience}; when empty, the issuer
	 */
	ClientCredentialsPolicy(String defaultAudience) {
		this.defaultAudience = defaultAudience;
	}

	/**
	 * Decides a root agent's request.
	 * @param agent the agent, as its identity document says now
	 * @param scopes the scopes asked for
	 * @param parameters the request's other parameters ({@code resource}, {@code task},
	 * {@code ttl})
	 * @param issuer the issuer (the audience when none is configured or asked for)
	 * @param now the time of issue
	 * @return what the token may say
	 * @throws OAuth2AuthenticationException naming the first rule the request breaks
	 */
	Issuance decide(Requester agent, Set<String> scopes, Map<String, Object> parameters, String issuer, Instant now) {
		Assert.notNull(agent, "agent cannot be null");
		Assert.notNull(scopes, "scopes cannot be null");
		Assert.notNull(parameters, "parameters cannot be null");
		Assert.notNull(now, "now cannot be null");
		// docs/tokens.md "Contract": sub-agents get tokens only by exchange, never
		// outside their root's
		// authority
		if (agent.derived()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"A derived sub-agent obtains tokens by token exchange only");
		}
		// RFC 6749 §3.3: scope is required of agents here, and within the capabilities
		if (scopes.isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, "scope is required");
		}
		if (!agent.capabilities().containsAll(scopes)) {
			Set<String> outside = new TreeSet<>(scopes);
			outside.removeAll(agent.capabilities());
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"Scope outside the agent's capabilities: " + String.join(" ", outside));
		}
		// issue 19, item 1: a scope that needs a human's approval is granted only by the
		// CIBA grant (OpenID CIBA Core 1.0 §7), never by client credentials
		Set<String> needApproval = new TreeSet<>(scopes);
		needApproval.retainAll(agent.requiredFor());
		if (!needApproval.isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, OAuthParameters.approvalRequired(needApproval));
		}
		List<String> resources = OAuthParameters.resources(parameters);
		String task = OAuthParameters.task(parameters);
		Duration ttl = OAuthParameters.ttl(parameters, Duration.ofSeconds(agent.tokenPolicy().defaultTtlSeconds()),
				Duration.ofSeconds(agent.tokenPolicy().maxTtlSeconds()));
		List<String> audience = AgentAudiences.of(agent.declaredAudiences(), resources,
				StringUtils.hasText(this.defaultAudience) ? this.defaultAudience : issuer);
		return new Issuance(scopes, audience, task, now.plus(ttl));
	}

	/**
	 * Decides the request of a client that is not an agent.
	 * @param registeredScopes the scopes the client is registered with
	 * @param scopes the scopes asked for
	 * @param issuer the issuer (the audience when none is configured)
	 * @param now the time of issue
	 * @return what the token may say
	 * @throws OAuth2AuthenticationException naming the first rule the request breaks
	 */
	Issuance decideForClient(Set<String> registeredScopes, Set<String> scopes, String issuer, Instant now) {
		Assert.notNull(registeredScopes, "registeredScopes cannot be null");
		Assert.notNull(scopes, "scopes cannot be null");
		Assert.notNull(now, "now cannot be null");
		// RFC 6749 §3.3 and §5.2: a scope the client is not registered with is refused
		if (!registeredScopes.containsAll(scopes)) {
			Set<String> outside = new TreeSet<>(scopes);
			outside.removeAll(registeredScopes);
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"Scope outside the client's registration: " + String.join(" ", outside));
		}
		return new Issuance(scopes, List.of(StringUtils.hasText(this.defaultAudience) ? this.defaultAudience : issuer),
				null, now.plus(RegistryClients.CLIENT_TOKEN_TTL));
	}

	/**
	 * What the rules read of the agent asking.
	 *
	 * @param derived whether it is a derived sub-agent
	 * @param capabilities the scopes of its capabilities
	 * @param tokenPolicy its token policy
	 * @param declaredAudiences the resources it declares
	 * ({@link dev.agentidp.registry.AgentProfile#audiences()})
	 * @param requiredFor the scopes its {@code humanOversight.requiredFor} lists
	 */
	record Requester(boolean derived, Set<String> capabilities, TokenPolicy tokenPolicy, Set<String> declaredAudiences,
			Set<String> requiredFor) {

		Requester {
			Assert.notNull(capabilities, "capabilities cannot be null");
			Assert.notNull(tokenPolicy, "tokenPolicy cannot be null");
			Assert.notNull(declaredAudiences, "declaredAudiences cannot be null");
			requiredFor = (requiredFor != null) ? Set.copyOf(requiredFor) : Set.of();
		}

		Requester(boolean derived, Set<String> capabilities, TokenPolicy tokenPolicy, Set<String> declaredAudiences) {
			this(derived, capabilities, tokenPolicy, declaredAudiences, Set.of());
		}

		static Requester of(Agent agent) {
			return new Requester(agent.isDerived(), agent.scopes(), agent.tokenPolicy(), agent.profile().audiences(),
					Set.copyOf(agent.profile().humanOversight().requiredFor()));
		}

	}

	/**
	 * The decision: what the token may say.
	 *
	 * @param scopes the granted scopes
	 * @param audience {@code aud}
	 * @param task the {@code task} claim, or {@code null}
	 * @param expiresAt {@code exp}
	 */
	record Issuance(Set<String> scopes, List<String> audience, String task, Instant expiresAt) {
	}

}
