package dev.agentidp.app.policy;

import dev.agentidp.audit.RequestSource;
import dev.agentidp.policy.PolicyDecisionPoint;
import dev.agentidp.tokens.RegistryClients;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Who may call the policy decision point: a resource-server or admin client,
 * authenticated with {@code client_secret_basic} as at introspection, or with an access
 * token this provider issued to it (RFC 6750 {@code Authorization: Bearer}; how a client
 * that authenticates with {@code private_key_jwt} calls, since RFC 7523 puts the
 * assertion in a form body and AuthZEN bodies are JSON). Anyone else gets 401
 * {@code invalid_client} with {@code WWW-Authenticate} (RFC 6749 §5.2), and the refusal
 * is recorded as {@code access.refused} (a failed authentication is recorded by the token
 * module's failure handler before it gets here).
 */
public final class PolicyCallers {

	/** AuthZEN 1.0's metadata document. */
	public static final String METADATA_PATH = "/.well-known/authzen-configuration";

	private PolicyCallers() {
	}

	/**
	 * Resource-server and admin clients pass; agents and the unauthenticated do not.
	 * @return the authorization manager of the evaluation endpoints
	 */
	public static AuthorizationManager<RequestAuthorizationContext> resourceServersAndAdmins() {
		return (authentication, context) -> new AuthorizationDecision(entitled(authentication.get()));
	}

	/**
	 * No client authentication at all: 401, recorded.
	 * @param pdp where refusals are recorded
	 * @return the entry point
	 */
	public static AuthenticationEntryPoint unauthorized(PolicyDecisionPoint pdp) {
		return (request, response, ex) -> {
			pdp.refused(null, request.getRequestURI(), "invalid_client", "no client authentication",
					RequestSource.of(request.getRemoteAddr()));
			// RFC 7235 §4.1: either credential
			response.setHeader("WWW-Authenticate", "Basic realm=\"oauth\", Bearer");
			PolicyErrors.write(response, 401, "invalid_client",
					"Client authentication failed: the policy decision point answers resource servers and admin"
							+ " clients (client_secret_basic, or a Bearer access token of the client)");
		};
	}

	/**
	 * A Bearer token that is not an active token of this provider: 401
	 * {@code invalid_token} (RFC 6750 §3.1), recorded.
	 * @param pdp where refusals are recorded
	 * @return the entry point
	 */
	public static AuthenticationEntryPoint invalidBearer(PolicyDecisionPoint pdp) {
		return (request, response, ex) -> {
			pdp.refused(null, request.getRequestURI(), "invalid_token", "the Bearer token is not active",
					RequestSource.of(request.getRemoteAddr()));
			response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
			PolicyErrors.write(response, 401, "invalid_token",
					"The Bearer token is not an active access token of this provider");
		};
	}

	/**
	 * An authenticated client that may not ask (an agent): 401, recorded.
	 * @param pdp where refusals are recorded
	 * @return the handler
	 */
	public static AccessDeniedHandler notEntitled(PolicyDecisionPoint pdp) {
		return (request, response, ex) -> {
			Authentication caller = SecurityContextHolder.getContext().getAuthentication();
			pdp.refused((caller != null) ? caller.getName() : null, request.getRequestURI(), "invalid_client",
					"the client is neither a resource server nor an admin client",
					RequestSource.of(request.getRemoteAddr()));
			response.setHeader("WWW-Authenticate", "Basic realm=\"oauth\"");
			PolicyErrors.write(response, 401, "invalid_client",
					"Client authentication failed: the policy decision point answers resource servers and admin"
							+ " clients, not agents");
		};
	}

	static boolean entitled(Authentication authentication) {
		if (authentication instanceof JwtAuthenticationToken bearer) {
			// an access token of a client that is not an agent (an agent's client_id is
			// its
			// UUID; a sub-agent's token names its parent's); the decoder has checked it
			// is
			// active
			String clientId = bearer.getToken().getClaimAsString("client_id");
			return bearer.isAuthenticated() && clientId != null && RegistryClients.agentId(clientId).isEmpty();
		}
		return authentication instanceof OAuth2ClientAuthenticationToken client && client.isAuthenticated()
				&& client.getRegisteredClient() != null
				&& RegistryClients.agentOf(client.getRegisteredClient()).isEmpty();
	}

	/**
	 * The authenticated caller's client id.
	 * @return the client id
	 */
	static String caller() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication instanceof JwtAuthenticationToken bearer
				&& bearer.getToken().getClaimAsString("client_id") != null) {
			return bearer.getToken().getClaimAsString("client_id");
		}
		return (authentication instanceof OAuth2ClientAuthenticationToken client
				&& client.getRegisteredClient() != null) ? client.getRegisteredClient().getClientId()
						: String.valueOf(authentication.getName());
	}

}
