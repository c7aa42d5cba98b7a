package dev.agentidp.resourceserver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * RFC 9728 protected resource metadata, served at
 * {@code /.well-known/oauth-protected-resource} and, for a resource with a path, also at
 * the §3.1 location ({@code /.well-known/oauth-protected-resource/<path>}): its
 * {@code resource}, {@code authorization_servers}, {@code scopes_supported},
 * {@code bearer_methods_supported}, and the DPoP members of RFC 9449 §5.1 as RFC 9728 §2
 * names them ({@code dpop_signing_alg_values_supported},
 * {@code dpop_bound_access_tokens_required}).
 */
final class ProtectedResourceMetadata {

	/** RFC 9728 §3. */
	static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

	private ProtectedResourceMetadata() {
	}

	static Map<String, Object> document(ResourceServerProperties properties) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("resource", properties.resource().toString());
		metadata.put("authorization_servers", List.of(properties.issuer().toString()));
		if (!properties.scopesSupported().isEmpty()) {
			metadata.put("scopes_supported", properties.scopesSupported());
		}
		metadata.put("bearer_methods_supported", List.of("header"));
		metadata.put("dpop_signing_alg_values_supported", List.of("EdDSA", "Ed25519", "ES256"));
		metadata.put("dpop_bound_access_tokens_required", properties.dpopBoundAccessTokensRequired());
		return metadata;
	}

	static List<String> paths(ResourceServerProperties properties) {
		String located = Challenges.metadataPath(properties.resource());
		return located.equals(WELL_KNOWN) ? List.of(WELL_KNOWN) : List.of(WELL_KNOWN, located);
	}

	static RouterFunction<ServerResponse> routes(ResourceServerProperties properties) {
		Map<String, Object> document = document(properties);
		RouterFunctions.Builder routes = RouterFunctions.route();
		for (String path : paths(properties)) {
			routes.GET(path,
					(request) -> ServerResponse.ok()
						.contentType(MediaType.APPLICATION_JSON)
						.cacheControl(CacheControl.noCache())
						.body(document));
		}
		return routes.build();
	}

}
