package dev.agentidp.tokens;

import java.text.ParseException;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
 * A {@code private_key_jwt} request without {@code client_id}: RFC 7521 §4.2 makes
 * {@code client_id} optional when the assertion identifies the client, and stock clients
 * (authlib's {@code PrivateKeyJWT}, for one) leave it out. Spring's
 * {@link JwtClientAssertionAuthenticationConverter} requires it; this converter, placed
 * ahead of Spring's, takes the client id from the assertion's {@code iss}, which RFC 7523
 * §3 (1) and (2) require to equal its {@code sub} and the client id, and hands the
 * request to Spring's converter as if {@code client_id} had been sent. Nothing is trusted
 * yet: the assertion is then verified with that client's registered keys, its {@code iss}
 * and {@code sub} checked against the client id, as for any other request. A request that
 * sends {@code client_id} is left to Spring's converter (this one answers {@code null});
 * one whose {@code client_id} differs from the assertion's {@code iss} is refused there
 * by the assertion checks.
 */
final class ClientAssertionWithoutClientIdConverter implements AuthenticationConverter {

	private static final int MAX_CLIENT_ID_LENGTH = 255;

	private final JwtClientAssertionAuthenticationConverter spring = new JwtClientAssertionAuthenticationConverter();

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (!HttpMethod.POST.matches(request.getMethod())
				|| request.getParameter(OAuth2ParameterNames.CLIENT_ID) != null) {
			return null;
		}
		String[] assertions = request.getParameterValues(OAuth2ParameterNames.CLIENT_ASSERTION);
		if (assertions == null || assertions.length != 1 || assertions[0].isEmpty()
				|| request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE) == null) {
			// not a client assertion, or one Spring's converter refuses as it is
			return null;
		}
		String clientId = issuer(assertions[0]);
		return this.spring.convert(new ParameterOverride(request, OAuth2ParameterNames.CLIENT_ID, clientId));
	}

	/** The assertion's {@code iss}, read without verifying anything yet. */
	private static String issuer(String assertion) {
		JWTClaimsSet claims;
		try {
			claims = SignedJWT.parse(assertion).getJWTClaimsSet();
		}
		catch (ParseException | RuntimeException ex) {
			throw invalidRequest("client_id is required unless the client assertion is a signed JWT naming the client"
					+ " in iss (RFC 7521 §4.2)");
		}
		Object issuer = claims.getClaim("iss");
		if (!(issuer instanceof String clientId) || clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID_LENGTH
				|| clientId.chars().anyMatch(Character::isISOControl)) {
			throw invalidRequest(
					"client_id is required unless the client assertion names the client in iss" + " (RFC 7521 §4.2)");
		}
		if (!clientId.equals(claims.getClaim("sub"))) {
			// RFC 7523 §3 (1) and (2): both name the client
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
					"Client assertion rejected: iss and sub must both be the client id",
					"https://datatracker.ietf.org/doc/html/rfc7523#section-3"));
		}
		return clientId;
	}

	private static OAuth2AuthenticationException invalidRequest(String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description,
				"https://datatracker.ietf.org/doc/html/rfc7521#section-4.2"));
	}

}
