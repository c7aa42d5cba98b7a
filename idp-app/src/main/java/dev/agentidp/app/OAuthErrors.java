package dev.agentidp.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 6749 §5.2 error objects straight to a servlet response, for the places that
 * answer an OAuth endpoint before the authorization server does (request limits, the
 * error page, an unavailable database).
 */
final class OAuthErrors {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private OAuthErrors() {
	}

	/**
	 * Whether a request path is one of the OAuth endpoints (whose errors are RFC 6749
	 * JSON, not problem documents).
	 * @param path the request URI, or {@code null}
	 * @return {@code true} for {@code /oauth2/**}
	 */
	static boolean isOAuthPath(String path) {
		return path != null && path.startsWith("/oauth2/");
	}

	static void write(HttpServletResponse response, int status, String error, String description) throws IOException {
		response.setStatus(status);
		response.setContentType("application/json");
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setHeader("Cache-Control", "no-store");
		response.getOutputStream().write(body(error, description));
	}

	static byte[] body(String error, String description) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("error", error);
		if (description != null) {
			body.put("error_description", description);
		}
		return JSON.writeValueAsBytes(body);
	}

}
