package dev.agentidp.resourceserver;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * The kit's answers to requests it does not let through, with the challenges RFC 6750 §3,
 * RFC 9449 §7.1 and RFC 9728 §5.1 ask for (and the MCP authorization spec requires):
 * {@code WWW-Authenticate: DPoP algs="EdDSA ES256", resource_metadata="…"} and
 * {@code Bearer resource_metadata="…"} (the latter left out when only DPoP-bound tokens
 * are accepted), the scheme the client used carrying {@code error} and
 * {@code error_description}. Without credentials it is the authentication entry point.
 */
final class Challenges implements AuthenticationEntryPoint {

	/** The {@code algs} of the DPoP challenge (RFC 9449 §7.1). */
	static final String ALGS = "EdDSA ES256";

	static final String INVALID_TOKEN = "invalid_token";

	static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";

	static final String INVALID_REQUEST = "invalid_request";

	private final String metadataUrl;

	private final boolean dpopOnly;

	Challenges(ResourceServerProperties properties) {
		this.metadataUrl = metadataUrl(properties.resource());
		this.dpopOnly = properties.dpopBoundAccessTokensRequired();
	}

	/**
	 * RFC 9728 §3.1: the metadata's URL is the resource's with
	 * {@code /.well-known/oauth-protected-resource} inserted between its authority and
	 * its path.
	 */
	static String metadataUrl(URI resource) {
		String path = metadataPath(resource);
		return resource.getScheme() + "://" + resource.getRawAuthority() + path;
	}

	static String metadataPath(URI resource) {
		String path = (resource.getRawPath() == null || resource.getRawPath().equals("/")) ? "" : resource.getRawPath();
		return ProtectedResourceMetadata.WELL_KNOWN + path;
	}

	String metadataUrl() {
		return this.metadataUrl;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		// RFC 6750 §3.1: no error code when the request carried no credentials
		write(response, 401, null, null, null);
	}

	/**
	 * Refuses a request.
	 * @param response the response
	 * @param status 400 or 401
	 * @param scheme the scheme the client used ({@code DPoP} or {@code Bearer}), or
	 * {@code null}
	 * @param error the error code
	 * @param description the reason
	 */
	void write(HttpServletResponse response, int status, String scheme, String error, String description)
			throws IOException {
		response.setStatus(status);
		response.setHeader("Cache-Control", "no-store");
		response.addHeader("WWW-Authenticate", challenge("DPoP", "DPoP".equals(scheme) ? error : null, description));
		if (!this.dpopOnly) {
			response.addHeader("WWW-Authenticate",
					challenge("Bearer", "Bearer".equals(scheme) ? error : null, description));
		}
		if (error != null) {
			response.setContentType("application/json");
			response.getOutputStream()
				.write(("{\"error\":\"" + error + "\",\"error_description\":\"" + quoted(description) + "\"}")
					.getBytes(StandardCharsets.UTF_8));
		}
	}

	private String challenge(String scheme, String error, String description) {
		StringBuilder challenge = new StringBuilder(scheme).append(' ');
		if (error != null) {
			challenge.append("error=\"").append(error).append("\", ");
			challenge.append("error_description=\"").append(quoted(description)).append("\", ");
		}
		if ("DPoP".equals(scheme)) {
			challenge.append("algs=\"").append(ALGS).append("\", ");
		}
		return challenge.append("resource_metadata=\"").append(this.metadataUrl).append('"').toString();
	}

	/**
	 * RFC 6750 §3: {@code error_description} holds %x20-21 / %x23-5B / %x5D-7E only.
	 */
	static String quoted(String text) {
		if (text == null) {
			return "";
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
		for (int i = 0; i < text.length() && out.length() < 200; i++) {
			char c = text.charAt(i);
			out.append((c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') ? c : '\'');
		}
		return out.toString();
	}

}
