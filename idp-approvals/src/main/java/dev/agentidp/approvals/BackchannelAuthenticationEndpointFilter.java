package dev.agentidp.approvals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.agentidp.registry.Agent;
import dev.agentidp.tokens.OAuthParameters;
import dev.agentidp.tokens.RegistryClients;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The backchannel authentication endpoint (CIBA §7): after client authentication (as at
 * the token endpoint), an agent's request is decided ({@link BackchannelRequestPolicy}),
 * stored and audited, and answered {@code {"auth_req_id", "expires_in", "interval"}}
 * (§7.3); a refused one is answered and audited by the OAuth failure handler (§13: RFC
 * 6749 error JSON, 400, or 401 {@code invalid_client}).
 */
final class BackchannelAuthenticationEndpointFilter extends OncePerRequestFilter {

	/** The request parameters this endpoint reads, each at most once. */
	private static final Set<String> PARAMETERS = Set.of("scope", "binding_message", "authorization_details",
			"login_hint", "requested_expiry");

	/** CIBA §7.1 hints this provider does not take. */
	private static final Set<String> UNSUPPORTED = Set.of("login_hint_token", "id_token_hint", "user_code",
			"client_notification_token", "acr_values");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Approvals approvals;

	private final AuthenticationFailureHandler denials;

	BackchannelAuthenticationEndpointFilter(Approvals approvals, AuthenticationFailureHandler denials) {
		Assert.notNull(approvals, "approvals cannot be null");
		Assert.notNull(denials, "denials cannot be null");
		this.approvals = approvals;
		this.denials = denials;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !(HttpMethod.POST.matches(request.getMethod())
				&& CibaGrant.ENDPOINT.equals(request.getRequestURI().substring(request.getContextPath().length())));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			if (!(authentication instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()
					|| client.getRegisteredClient() == null) {
				// RFC 6749 §5.2: the endpoint requires client authentication
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_CLIENT, "Client authentication is required");
			}
			Agent agent = RegistryClients.agentOf(client.getRegisteredClient())
				.orElseThrow(() -> OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
						"Only agents ask for approvals"));
			Approvals.Started started = this.approvals.request(agent, client.getRegisteredClient().getClientId(),
					parameters(request));
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("auth_req_id", started.authReqId());
			body.put("expires_in", started.expiresIn());
			body.put("interval", started.interval());
			response.setStatus(HttpServletResponse.SC_OK);
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			// CIBA §7.3, as RFC 6749 §5.1: the answer is not cached
			response.setHeader("Cache-Control", "no-store");
			response.getOutputStream().write(JSON.writeValueAsBytes(body));
		}
		catch (OAuth2AuthenticationException ex) {
			this.denials.onAuthenticationFailure(request, response, ex);
		}
	}

	/** CIBA §7.1: form parameters, each at most once (RFC 6749 §3.1). */
	private static Map<String, String> parameters(HttpServletRequest request) {
		String contentType = request.getContentType();
		if (contentType == null
				|| !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(MediaType.parseMediaType(contentType))) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"The request must be application/x-www-form-urlencoded (CIBA §7.1)");
		}
		Map<String, String> parameters = new HashMap<>();
		for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
			String name = parameter.getKey();
			if (UNSUPPORTED.contains(name)) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
						name + " is not supported: name the approver with login_hint (an e-mail)");
			}
			if (!PARAMETERS.contains(name)) {
				continue;
			}
			if (parameter.getValue().length != 1) {
				throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, name + " must appear once");
			}
			parameters.put(name, parameter.getValue()[0]);
		}
		return parameters;
	}

}
