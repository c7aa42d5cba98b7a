package dev.agentidp.delegation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads an RFC 8693 token-exchange request from the token endpoint's form. Returns
 * {@code null} for any other grant, so Spring's other converters see it. The syntax is
 * checked here ({@link ExchangeRequest#read}: required parameters, scope-tokens, resource
 * URIs, the sub-agent's key, {@code ttl}; a repeated parameter is refused, RFC 6749
 * §3.2), so the token carries typed fields; what may be granted is decided by
 * {@link SubAgentTokenExchangeAuthenticationProvider} and {@link DelegationPolicy}.
 */
final class SubAgentTokenExchangeAuthenticationConverter implements AuthenticationConverter {

	/** Client authentication parameters, handled by the client authentication filter. */
	private static final Set<String> CLIENT_AUTHENTICATION = Set.of(OAuth2ParameterNames.CLIENT_ID,
			OAuth2ParameterNames.CLIENT_SECRET, OAuth2ParameterNames.CLIENT_ASSERTION_TYPE,
			OAuth2ParameterNames.CLIENT_ASSERTION, OAuth2ParameterNames.GRANT_TYPE);

	@Override
	public Authentication convert(HttpServletRequest request) {
		String[] grantTypes = request.getParameterValues(OAuth2ParameterNames.GRANT_TYPE);
		if (grantTypes == null || grantTypes.length != 1
				|| !AuthorizationGrantType.TOKEN_EXCHANGE.getValue().equals(grantTypes[0])) {
			return null;
		}
		Map<String, Object> parameters = new LinkedHashMap<>();
		request.getParameterMap().forEach((name, values) -> {
			if (!CLIENT_AUTHENTICATION.contains(name)) {
				parameters.put(name, (values.length == 1) ? values[0] : values.clone());
			}
		});
		Authentication client = SecurityContextHolder.getContext().getAuthentication();
		return new SubAgentTokenExchangeAuthenticationToken(client, ExchangeRequest.read(parameters), parameters);
	}

}
