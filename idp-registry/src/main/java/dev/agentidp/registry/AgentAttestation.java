package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * What an agent's client attestation must show
 * (draft-ietf-oauth-attestation-based-client-auth; docs/workload-identity.md
 * "Attestation"): which attesters may vouch for its instances, and the claims pinned to
 * the code and configuration that were registered. Changing a pinned claim is a new
 * version of the document, which is how a deployment of new code is approved.
 *
 * @param required whether every token request must carry an attestation
 * @param attesters the trusted issuers (of kind {@code attester}) whose attestations are
 * accepted, at least one
 * @param claims the pinned claims, by name ({@link #CLAIMS}), at least one
 */
public record AgentAttestation(boolean required, List<String> attesters, Map<String, String> claims) {

	/** The claims a document may pin. */
	public static final Set<String> CLAIMS = Set.of("image_digest", "config_digest", "model");

	/** The most attesters one agent may list. */
	public static final int MAX_ATTESTERS = 16;

	public AgentAttestation {
		Assert.notNull(attesters, "attesters cannot be null");
		Assert.notNull(claims, "claims cannot be null");
		attesters = List.copyOf(attesters);
		claims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(claims));
	}

}
