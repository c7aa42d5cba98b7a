package dev.agentidp.tokens;

import java.time.Instant;
import java.util.UUID;

import org.springframework.util.Assert;

/**
 * A token issuer this provider trusts (docs/workload-identity.md): its tokens are
 * accepted as an agent's client assertion when the agent's document declares the workload
 * identity, or as a client attestation (kind {@code attester}).
 *
 * @param id its id in the admin API
 * @param settings what an administrator wrote
 * @param createdAt when it was added
 * @param updatedAt when it was last changed
 */
public record TrustedIssuer(UUID id, TrustedIssuerSettings settings, Instant createdAt, Instant updatedAt) {

	public TrustedIssuer {
		Assert.notNull(id, "id cannot be null");
		Assert.notNull(settings, "settings cannot be null");
	}

}
