package dev.agentidp.app.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The policy decision point's error answers: RFC 6749 §5.2 error objects ({@code error},
 * {@code error_description}), as AuthZEN 1.0 leaves errors to the transport and the OAuth
 * endpoints answer them.
 */
final class PolicyErrors {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private PolicyErrors() {
	}

	static Map<String, String> body(String error, String description) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return body;
	}

	static void write(HttpServletResponse response, int status, String error, String description) throws IOException {
		response.setStatus(status);
		response.setContentType("application/json");
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setHeader("Cache-Control", "no-store");
		response.getOutputStream().write(JSON.writeValueAsBytes(body(error, description)));
	}

}
