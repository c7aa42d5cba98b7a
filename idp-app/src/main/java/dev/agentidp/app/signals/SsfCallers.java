package dev.agentidp.app.signals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.Refusals;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.signals.SharedSignals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Who may call the SSF transmitter's endpoints (stream management, status, verification,
 * poll): a resource-server or admin client with an access token this provider issued to
 * it ({@code Authorization: Bearer}, RFC 6750; SSF 1.0 §8.1 {@code authorization_schemes}
 * names OAuth 2.0). No or a bad token is 401, an agent's token 403; both recorded as
 * {@code ssf.refused}. The management endpoints answer problem documents (RFC 9457); the
 * poll endpoint answers RFC 8935 §2.4 error JSON ({@code authentication_failed},
 * {@code access_denied}), as RFC 8936 §2.4 has it.
 */
public final class SsfCallers {

	/** The transmitter's configuration metadata (SSF 1.0 §7.1). */
	public static final String METADATA_PATH = "/.well-known/ssf-configuration";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private SsfCallers() {
	}

	/**
	 * No token, or one that is not an active access token of this provider: 401.
	 * @param refusals where refusals are recorded
	 * @return the entry point
	 */
	public static AuthenticationEntryPoint unauthorized(Refusals refusals) {
		return (request, response, ex) -> {
			String header = request.getHeader("Authorization");
			boolean presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
			record(refusals, request, null, presented ? "invalid bearer token" : "missing bearer token");
			response.setHeader("WWW-Authenticate", presented ? "Bearer error=\"invalid_token\"" : "Bearer");
			write(request, response, 401, "authentication_failed",
					presented ? "The bearer token is invalid, expired or not issued by this provider"
							: "A bearer access token of a resource-server or admin client is required");
		};
	}

	/**
	 * An authenticated caller that may not receive signals (an agent): 403.
	 * @param refusals where refusals are recorded
	 * @return the handler
	 */
	public static AccessDeniedHandler forbidden(Refusals refusals) {
		return (request, response, ex) -> {
			Authentication caller = SecurityContextHolder.getContext().getAuthentication();
			record(refusals, request, (caller != null) ? caller.getName() : null,
					"the client is neither a resource server nor an admin client");
			write(request, response, 403, "access_denied",
					"Shared signals are for resource-server and admin clients, not agents");
		};
	}

	private static void record(Refusals refusals, HttpServletRequest request, String actor, String reason) {
		String path = request.getRequestURI();
		refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, actor, "ssf.refused",
				request.getMethod() + " " + ((path.length() > 256) ? path.substring(0, 256) : path), Decision.DENY,
				reason, Map.of()), RequestSource.of(request.getRemoteAddr()));
	}

	private static void write(HttpServletRequest request, HttpServletResponse response, int status, String err,
			String detail) throws IOException {
		response.setStatus(status);
		Map<String, Object> body = new LinkedHashMap<>();
		if (request.getRequestURI().startsWith(SharedSignals.POLL_PATH)) {
			response.setContentType("application/json");
			body.put("err", err);
			body.put("description", detail);
		}
		else {
			response.setContentType("application/problem+json");
			body.put("type", "about:blank");
			body.put("title", (status == 401) ? "Unauthorized" : "Forbidden");
			body.put("status", status);
			body.put("detail", detail);
			body.put("instance", request.getRequestURI());
		}
		response.getOutputStream().write(JSON.writeValueAsBytes(body));
	}

}
