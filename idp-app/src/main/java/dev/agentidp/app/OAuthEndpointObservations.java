package dev.agentidp.app;

import java.io.IOException;
import java.util.Set;

import dev.agentidp.policy.AuthZenMetadata;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Names the OAuth endpoints in {@code http_server_requests}: they are served by the
 * authorization server's security filters (and the AuthZEN endpoints by the policy
 * decision point's, {@code AuthZenEndpoints}), never by a Spring MVC handler, so the
 * observation has no path pattern and Micrometer tags them all {@code uri="UNKNOWN"}.
 * Setting the pattern to the endpoint's path gives each its own series (rate, latency
 * histogram). Only the exact paths: anything else keeps the pattern MVC gives it, or
 * none.
 */
@Component
@Order(-210)
class OAuthEndpointObservations extends OncePerRequestFilter {

	static final Set<String> ENDPOINTS = Set.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/jwks",
			"/oauth2/authorize", "/.well-known/oauth-authorization-server", AuthZenMetadata.EVALUATION,
			AuthZenMetadata.EVALUATIONS, AuthZenMetadata.SEARCH_RESOURCE, AuthZenMetadata.SEARCH_ACTION);

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		if (ENDPOINTS.contains(path)) {
			ServerHttpObservationFilter.findObservationContext(request)
				.ifPresent((context) -> context.setPathPattern(path));
		}
		chain.doFilter(request, response);
	}

}
