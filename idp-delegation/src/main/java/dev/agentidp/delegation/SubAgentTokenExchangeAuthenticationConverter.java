package dev.agentidp.delegation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.tokens.OAuthParameters;
import dev.agentidp.tokens.TokenRequestProofs;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
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
		// RFC 9449 §4.3: one DPoP header at most; it goes where Spring's own converters
		// put it, for the provider to verify
		List<String> proofs = Collections.list(request.getHeaders("DPoP"));
		if (proofs.size() > 1) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"Only one DPoP header is allowed (RFC 9449 §4.3)");
		}
		if (proofs.size() == 1) {
			parameters.put(TokenRequestProofs.PROOF_PARAMETER, proofs.get(0));
			parameters.put(TokenRequestProofs.METHOD_PARAMETER, request.getMethod());
		}
		Authentication client = SecurityContextHolder.getContext().getAuthentication();
		return new SubAgentTokenExchangeAuthenticationToken(client, ExchangeRequest.read(parameters), parameters);
	}

}
