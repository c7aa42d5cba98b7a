package dev.agentidp.tokens;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A JWT-SVID presented as draft-ietf-oauth-spiffe-client-auth defines it:
 * {@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-spiffe}
 * with the agent's {@code client_id} (the SPIFFE ID is the workload's, not the client's,
 * and a JWT-SVID need not carry {@code iss}). Spring's converter knows only RFC 7523's
 * {@code jwt-bearer}; this one, placed ahead of it, marks the request as a JWT-SVID's
 * ({@link #isSpiffe}) and hands it on as {@code jwt-bearer}, so that the same provider
 * and the agent's decoder verify it. Nothing is trusted yet: {@link WorkloadAssertions}
 * then requires a SPIFFE ID in {@code sub}, one of the agent's workload identities, from
 * a trusted issuer of kind {@code spiffe} for its trust domain.
 */
final class SpiffeClientAssertionConverter implements AuthenticationConverter {

	/** draft-ietf-oauth-spiffe-client-auth: the JWT-SVID client assertion type. */
	static final String JWT_SPIFFE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe";

	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	/** The request attribute that says the assertion came as a JWT-SVID. */
	private static final String ATTRIBUTE = SpiffeClientAssertionConverter.class.getName();

	private final JwtClientAssertionAuthenticationConverter spring = new JwtClientAssertionAuthenticationConverter();

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (!HttpMethod.POST.matches(request.getMethod())
				|| !JWT_SPIFFE.equals(request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE))) {
			return null;
		}
		String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
		if (clientIds == null || clientIds.length != 1 || clientIds[0].isEmpty()) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
					"client_id is required with a " + JWT_SPIFFE
							+ " assertion: the SPIFFE ID names the workload, not the client",
					"https://datatracker.ietf.org/doc/draft-ietf-oauth-spiffe-client-auth/"));
		}
		request.setAttribute(ATTRIBUTE, Boolean.TRUE);
		return this.spring
			.convert(new ParameterOverride(request, OAuth2ParameterNames.CLIENT_ASSERTION_TYPE, JWT_BEARER));
	}

	/**
	 * Whether the request being authenticated presented its assertion as a JWT-SVID.
	 * @param request the request, or {@code null} outside one
	 * @return {@code true} when it did
	 */
	static boolean isSpiffe(HttpServletRequest request) {
		return request != null && Boolean.TRUE.equals(request.getAttribute(ATTRIBUTE));
	}

}
