package dev.agentidp.delegation;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;

/**
 * A token-exchange request (RFC 8693 §2.1) by a parent agent for one of its sub-agents,
 * as read from the form by {@link SubAgentTokenExchangeAuthenticationConverter}. Its
 * additional parameters hold every form parameter but the client authentication ones,
 * each as a {@code String}, or a {@code String[]} when repeated.
 */
public final class SubAgentTokenExchangeAuthenticationToken extends OAuth2AuthorizationGrantAuthenticationToken {

	private static final long serialVersionUID = 1L;

	/**
	 * @param clientPrincipal the authenticated client (the parent agent)
	 * @param parameters the request's parameters
	 */
	public SubAgentTokenExchangeAuthenticationToken(Authentication clientPrincipal, Map<String, Object> parameters) {
		super(AuthorizationGrantType.TOKEN_EXCHANGE, clientPrincipal, parameters);
	}

}
