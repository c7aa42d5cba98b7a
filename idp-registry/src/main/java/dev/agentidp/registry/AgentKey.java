package dev.agentidp.registry;

import java.time.Instant;

import com.nimbusds.jose.jwk.JWK;

import org.springframework.util.Assert;

/**
 * A public key an agent authenticates with. Private keys are never stored.
 *
 * @param kid the key id: the RFC 7638 thumbprint of the key, computed by the server
 * @param jwk the public JWK ({@code OKP} Ed25519 or {@code EC} P-256), with {@code kid}
 * and {@code alg}
 * @param status the stored status; see {@link #statusAt(Instant)} for the one in force
 * @param createdAt when it was added
 * @param expiresAt when a retiring key stops working, else {@code null}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7638">RFC 7638</a>
 */
public record AgentKey(String kid, JWK jwk, KeyStatus status, Instant createdAt, Instant expiresAt) {

	public AgentKey {
		Assert.hasText(kid, "kid cannot be empty");
		Assert.notNull(jwk, "jwk cannot be null");
		Assert.isTrue(!jwk.isPrivate(), "jwk must be a public key");
		Assert.notNull(status, "status cannot be null");
		Assert.notNull(createdAt, "createdAt cannot be null");
		Assert.isTrue(status != KeyStatus.RETIRING || expiresAt != null, "a retiring key needs an expiry");
	}

	/**
	 * The status in force at a time: a retiring key counts as revoked from its expiry on.
	 * @param now the time
	 * @return the status
	 */
	public KeyStatus statusAt(Instant now) {
		if (this.status == KeyStatus.RETIRING && !now.isBefore(this.expiresAt)) {
			return KeyStatus.REVOKED;
		}
		return this.status;
	}

	/**
	 * Whether the key may sign a client assertion at a time (active, or retiring before
	 * its expiry).
	 * @param now the time
	 * @return {@code true} when usable
	 */
	public boolean usableAt(Instant now) {
		return statusAt(now) != KeyStatus.REVOKED;
	}

	AgentKey withStatus(KeyStatus newStatus, Instant newExpiresAt) {
		return new AgentKey(this.kid, this.jwk, newStatus, this.createdAt, newExpiresAt);
	}

}
