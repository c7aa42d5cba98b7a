package dev.agentidp.console;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.util.Assert;

/**
 * The rule that turns a federated person's claims into console roles (issue 18,
 * "federation ... a claim-to-role mapping in configuration"): each value of the roles
 * claim (a string, or a list of strings) that the mapping names grants the roles it maps
 * to; a value it does not name grants nothing, and so does a claim of any other shape.
 * Deny by default: no mapped value, no role.
 */
final class FederatedRoles {

	private final String claim;

	private final Map<String, Set<String>> mapping;

	FederatedRoles(String claim, Map<String, Set<String>> mapping) {
		Assert.hasText(claim, "claim cannot be empty");
		Assert.notNull(mapping, "mapping cannot be null");
		this.claim = claim;
		this.mapping = Map.copyOf(mapping);
	}

	/** The name of the claim read. */
	String claim() {
		return this.claim;
	}

	/**
	 * The roles these claims grant.
	 * @param claims the ID token's claims, with UserInfo's when it was read
	 * @return the roles, sorted; empty when no value is mapped
	 */
	Set<String> of(Map<String, Object> claims) {
		Object value = claims.get(this.claim);
		Set<String> roles = new TreeSet<>();
		if (value instanceof String one) {
			roles.addAll(this.mapping.getOrDefault(one, Set.of()));
		}
		else if (value instanceof Collection<?> many) {
			for (Object each : many) {
				if (each instanceof String text) {
					roles.addAll(this.mapping.getOrDefault(text, Set.of()));
				}
			}
		}
		return roles;
	}

}
