package dev.agentidp.resourceserver;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An access token found active: by introspection (RFC 7662 §2.2) or as a verified RFC
 * 9068 JWT. Never the token's value.
 *
 * @param subject {@code sub}: the root agent (or client) on whose authority the work runs
 * @param actor the acting agent: the outermost {@code act.sub}, else {@code sub} (RFC
 * 8693 §4.1); what the policy decision point calls {@code subject.id}
 * @param clientId {@code client_id}
 * @param scopes the scopes granted
 * @param audience {@code aud}
 * @param expiresAt {@code exp}
 * @param jkt {@code cnf.jkt} of a DPoP-bound token (RFC 9449 §6.1), or {@code null}
 * @param claims every member of the answer (JSON values)
 */
public record VerifiedToken(String subject, String actor, String clientId, Set<String> scopes, List<String> audience,
		Instant expiresAt, String jkt, Map<String, Object> claims) {

	public VerifiedToken {
		scopes = Set.copyOf(scopes);
		audience = List.copyOf(audience);
		claims = Map.copyOf(claims);
	}

	/**
	 * Reads the members the kit needs from a JWT's claims or an introspection answer.
	 * @param claims the claims (JSON values: {@code exp} in seconds)
	 * @return the token
	 * @throws InvalidAccessTokenException when {@code sub} or {@code exp} is missing
	 */
	static VerifiedToken of(Map<String, Object> claims) {
		if (!(claims.get("sub") instanceof String subject) || subject.isEmpty()) {
			throw new InvalidAccessTokenException("The access token has no sub");
		}
		if (!(claims.get("exp") instanceof Number exp)) {
			throw new InvalidAccessTokenException("The access token has no exp");
		}
		String actor = subject;
		Object act = claims.get("act");
		// RFC 8693 §4.1: the outermost act names the current actor
		if (act instanceof Map<?, ?> outer && outer.get("sub") instanceof String current && !current.isEmpty()) {
			actor = current;
		}
		Set<String> scopes = (claims.get("scope") instanceof String scope && !scope.isBlank())
				? Set.of(scope.trim().split("\\s+")) : Set.of();
		List<String> audience = switch (claims.get("aud")) {
			case String one -> List.of(one);
			case List<?> many -> many.stream().filter(String.class::isInstance).map(String.class::cast).toList();
			case null, default -> List.of();
		};
		String jkt = (claims.get("cnf") instanceof Map<?, ?> cnf && cnf.get("jkt") instanceof String value) ? value
				: null;
		String clientId = (claims.get("client_id") instanceof String value) ? value : null;
		Map<String, Object> copy = new java.util.LinkedHashMap<>();
		claims.forEach((name, value) -> {
			if (value != null) {
				copy.put(name, value);
			}
		});
		return new VerifiedToken(subject, actor, clientId, scopes, audience, Instant.ofEpochSecond(exp.longValue()),
				jkt, copy);
	}

}
