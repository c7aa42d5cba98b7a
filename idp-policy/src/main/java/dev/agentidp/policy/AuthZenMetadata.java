package dev.agentidp.policy;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.tokens.AuthorizationServerContribution;

import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.util.Assert;

/**
 * The policy decision point's metadata (AuthZEN 1.0, "Policy Decision Point Metadata"):
 * served at {@code /.well-known/authzen-configuration} and listed in the RFC 8414
 * metadata too, through this contribution (which adds no grant).
 */
public final class AuthZenMetadata implements AuthorizationServerContribution {

	/** The evaluation endpoint's path. */
	public static final String EVALUATION = "/access/v1/evaluation";

	/** The batch evaluation endpoint's path. */
	public static final String EVALUATIONS = "/access/v1/evaluations";

	/** The resource search endpoint's path. */
	public static final String SEARCH_RESOURCE = "/access/v1/search/resource";

	/** The action search endpoint's path. */
	public static final String SEARCH_ACTION = "/access/v1/search/action";

	/**
	 * The metadata of the policy decision point of an issuer.
	 * @param issuer the issuer (the PDP's identifier)
	 * @return the members, in order
	 */
	public static Map<String, Object> entries(String issuer) {
		Assert.hasText(issuer, "issuer cannot be empty");
		String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
		Map<String, Object> entries = new LinkedHashMap<>();
		entries.put("policy_decision_point", base);
		entries.put("access_evaluation_endpoint", base + EVALUATION);
		entries.put("access_evaluations_endpoint", base + EVALUATIONS);
		entries.put("search_resource_endpoint", base + SEARCH_RESOURCE);
		entries.put("search_action_endpoint", base + SEARCH_ACTION);
		return entries;
	}

	@Override
	public void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
		metadata.claims((claims) -> {
			Object issuer = claims.get("issuer");
			if (issuer != null) {
				claims.putAll(entries(issuer.toString()));
			}
		});
	}

}
