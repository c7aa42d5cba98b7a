package dev.agentidp.delegation;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.util.Assert;

/**
 * A token-exchange request (RFC 8693 §2.1) by a parent agent for one of its sub-agents,
 * as read from the form by {@link SubAgentTokenExchangeAuthenticationConverter}: the
 * checked request in typed fields ({@link #exchange()}); its additional parameters hold
 * every form parameter but the client authentication ones, as received.
 */
final class SubAgentTokenExchangeAuthenticationToken extends OAuth2AuthorizationGrantAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final ExchangeRequest exchange;

	/**
	 * @param clientPrincipal the authenticated client (the parent agent)
	 * @param exchange the request, checked for syntax
	 * @param parameters the request's parameters
	 */
	SubAgentTokenExchangeAuthenticationToken(Authentication clientPrincipal, ExchangeRequest exchange,
			Map<String, Object> parameters) {
		super(AuthorizationGrantType.TOKEN_EXCHANGE, clientPrincipal, parameters);
		Assert.notNull(exchange, "exchange cannot be null");
		this.exchange = exchange;
	}

	/**
	 * The request, checked for syntax.
	 * @return the request
	 */
	ExchangeRequest exchange() {
		return this.exchange;
	}

}
