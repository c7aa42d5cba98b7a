package dev.agentidp.tokens;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Says what is malformed in an OAuth request that Spring's converters refused with a bare
 * {@code invalid_request} (they give no description), so that every
 * {@code invalid_request} carries an {@code error_description}. It looks at the
 * parameters only, never at their values beyond a fixed one such as the assertion type.
 */
final class OAuthRequestShape {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	/** RFC 6749 §3.1 and §3.2: request and response parameters must not be repeated. */
	private static final List<String> SINGLE_VALUED = List.of("grant_type", "client_id", "client_secret",
			"client_assertion", "client_assertion_type", "scope", "token", "token_type_hint", "subject_token",
			"subject_token_type", "actor_token", "actor_token_type", "requested_token_type", "audience");

	private OAuthRequestShape() {
	}

	static String describe(HttpServletRequest request) {
		for (String name : SINGLE_VALUED) {
			String[] values = request.getParameterValues(name);
			if (values != null && values.length > 1) {
				return "Parameter " + name + " must not be repeated (RFC 6749 §3.2)";
			}
		}
		String assertion = request.getParameter("client_assertion");
		String assertionType = request.getParameter("client_assertion_type");
		if ((assertion == null) != (assertionType == null)) {
			return "client_assertion and client_assertion_type must be sent together (RFC 7521 §4.2)";
		}
		if (assertionType != null && !JWT_BEARER.equals(assertionType)
				&& !SpiffeClientAssertionConverter.JWT_SPIFFE.equals(assertionType)) {
			return "client_assertion_type must be " + JWT_BEARER + " (RFC 7523 §2.2) or, for a JWT-SVID, "
					+ SpiffeClientAssertionConverter.JWT_SPIFFE + " (draft-ietf-oauth-spiffe-client-auth)";
		}
		if (assertion != null && request.getParameter("client_id") != null
				&& request.getParameter("client_id").isEmpty()) {
			return "client_id must not be empty (omit it to take the client from the assertion's iss)";
		}
		String path = request.getRequestURI();
		if (path.endsWith("/token") && request.getParameter("grant_type") == null) {
			return "grant_type is required (RFC 6749 §4.4.2)";
		}
		if ((path.endsWith("/introspect") || path.endsWith("/revoke")) && request.getParameter("token") == null) {
			return "token is required (RFC 7662 §2.1, RFC 7009 §2.1)";
		}
		return "The request is malformed (RFC 6749 §5.2)";
	}

}
