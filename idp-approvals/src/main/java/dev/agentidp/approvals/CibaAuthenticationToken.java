package dev.agentidp.approvals;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.util.Assert;

/**
 * A CIBA token request (CIBA §10.1): the client and the {@code auth_req_id} it polls.
 */
final class CibaAuthenticationToken extends OAuth2AuthorizationGrantAuthenticationToken {

	private final String authReqId;

	CibaAuthenticationToken(Authentication clientPrincipal, String authReqId,
			Map<String, Object> additionalParameters) {
		super(CibaGrant.GRANT_TYPE, clientPrincipal, additionalParameters);
		Assert.hasText(authReqId, "authReqId cannot be empty");
		this.authReqId = authReqId;
	}

	String authReqId() {
		return this.authReqId;
	}

}
