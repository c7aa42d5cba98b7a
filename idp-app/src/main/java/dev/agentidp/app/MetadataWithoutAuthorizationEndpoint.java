package dev.agentidp.app;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Takes out of the RFC 8414 metadata what this provider does not serve: the authorization
 * endpoint (no client may use the authorization-code grant, so {@code /oauth2/authorize}
 * answers 400) and {@code response_types_supported}, which only describes that endpoint.
 * Spring's metadata builder refuses to build a document without
 * {@code authorization_endpoint} (it assumes every server has one), so the finished
 * document is edited here, on its way out; the metadata is read rarely (at a client's or
 * resource server's start), never on a hot path.
 */
@Component
@Order(-150)
class MetadataWithoutAuthorizationEndpoint extends OncePerRequestFilter {

	static final String PATH = "/.well-known/oauth-authorization-server";

	/**
	 * The members that describe the authorization endpoint only (RFC 8414 §2) and that
	 * Spring's builder insists on; the others (PKCE, DPoP, mTLS) are left out where the
	 * metadata is customized, in idp-tokens ({@code OAuthEndpoints}).
	 */
	static final List<String> NOT_SERVED = List.of("authorization_endpoint", "response_types_supported");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !PATH.equals(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
		chain.doFilter(request, wrapper);
		byte[] body = wrapper.getContentAsByteArray();
		if (wrapper.getStatus() != HttpServletResponse.SC_OK || body.length == 0) {
			wrapper.copyBodyToResponse();
			return;
		}
		Map<String, Object> metadata = JSON.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() {
		});
		NOT_SERVED.forEach(metadata::remove);
		wrapper.resetBuffer();
		byte[] edited = JSON.writeValueAsBytes(metadata);
		wrapper.setContentLength(edited.length);
		wrapper.getOutputStream().write(edited);
		wrapper.copyBodyToResponse();
	}

}
