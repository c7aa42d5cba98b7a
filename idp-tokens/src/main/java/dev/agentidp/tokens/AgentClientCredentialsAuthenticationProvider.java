package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

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

/**
 * The client-credentials grant (RFC 6749 §4.4) for agents: a root agent, authenticated by
 * its own key, gets a short-lived, task-scoped RFC 9068 token. Clients that are not
 * agents are left to Spring's own provider (this one answers {@code null} for them).
 * <p>
 * The rules (root agents only, scope, audience, lifetime) are the
 * {@link ClientCredentialsPolicy}'s; they are applied again, inside the issuing
 * transaction, when the agent's identity document changed meanwhile. The token row and
 * its {@code token.issued} audit record commit in one transaction.
 */
public final class AgentClientCredentialsAuthenticationProvider implements AuthenticationProvider {

	private final AccessTokenMinter minter;

	private final AgentRegistry agents;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final ClientCredentialsPolicy policy;

	private final Clock clock;

	AgentClientCredentialsAuthenticationProvider(AccessTokenMinter minter, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events, ClientCredentialsPolicy policy,
			Clock clock) {
		Assert.notNull(minter, "minter cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(policy, "policy cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.minter = minter;
		this.agents = agents;
		this.transactions = transactions;
		this.events = events;
		this.policy = policy;
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
		String issuer = AuthorizationServerContextHolder.getContext().getIssuer();
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		TokenGrant decided = decide(agent, request, client, issuer, now);
		Issued issued = this.transactions.execute((status) -> {
			// issue 14, item 6: a suspension, retirement or removal of capabilities
			// running now waits for this transaction, and its revocation then sees this
			// token; one that has committed already is seen here
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
	 * The {@link ClientCredentialsPolicy} applied to the agent's identity document as
	 * given, and the token it allows.
	 */
	private TokenGrant decide(Agent agent, OAuth2ClientCredentialsAuthenticationToken request,
			OAuth2ClientAuthenticationToken client, String issuer, Instant now) {
		ClientCredentialsPolicy.Issuance issuance = this.policy.decide(ClientCredentialsPolicy.Requester.of(agent),
				request.getScopes(), request.getAdditionalParameters(), issuer, now);
		String agentId = agent.id().toString();
		return new TokenGrant(agent.id(), agentId, agentId, issuance.scopes(), issuance.audience(), issuance.task(),
				now, issuance.expiresAt(), null, null, 0, null, null, agent.owner(), agent.version(),
				AuthenticatingKey.of(client, agent, now));
	}

	/** A token and the grant it was minted for. */
	private record Issued(TokenGrant grant, IssuedToken token) {
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2ClientCredentialsAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
