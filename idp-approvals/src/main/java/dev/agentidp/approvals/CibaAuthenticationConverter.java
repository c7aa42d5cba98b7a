package dev.agentidp.approvals;

import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import dev.agentidp.tokens.OAuthParameters;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a CIBA token request (CIBA §10.1:
 * {@code grant_type=urn:openid:params:grant-type:ciba&auth_req_id=...}); any other
 * request is not its own ({@code null}). {@code auth_req_id} is required, once
 * ({@code invalid_request}).
 */
final class CibaAuthenticationConverter implements AuthenticationConverter {

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (!CibaGrant.GRANT_TYPE.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
			return null;
		}
		String[] authReqIds = request.getParameterValues("auth_req_id");
		// CIBA §10.1: auth_req_id is REQUIRED; RFC 6749 §3.2: parameters appear once
		if (authReqIds == null || authReqIds.length != 1 || authReqIds[0].isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "auth_req_id is required, once");
		}
		Map<String, Object> additional = new HashMap<>();
		request.getParameterMap().forEach((name, values) -> {
			if (!name.equals(OAuth2ParameterNames.GRANT_TYPE) && !name.equals("auth_req_id")
					&& !name.equals(OAuth2ParameterNames.CLIENT_ID) && !name.startsWith("client_assertion")) {
				additional.put(name, (values.length == 1) ? values[0] : values);
			}
		});
		Authentication client = SecurityContextHolder.getContext().getAuthentication();
		return new CibaAuthenticationToken(client, authReqIds[0], additional);
	}

}
