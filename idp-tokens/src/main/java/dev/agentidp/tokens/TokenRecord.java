package dev.agentidp.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.agentidp.registry.AgentId;

/**
 * One row of the token store: what the provider knows about a token it issued, keyed by
 * {@code jti}. Never the token's value.
 *
 * @param jti the token id
 * @param holder who holds it and on whose authority
 * @param scopes the scopes granted
 * @param audience the audience ({@code aud})
 * @param task the task id, or {@code null}
 * @param family where it sits in its delegation family
 * @param lifetime when it was issued, expires and was revoked
 * @param cnfJkt its RFC 7638 key binding ({@code cnf.jkt}), or {@code null}
 * @param kid the provider key that signed it
 */
public record TokenRecord(Jti jti, Holder holder, Set<String> scopes, List<String> audience, String task, Family family,
		Lifetime lifetime, String cnfJkt, String kid) {

	/**
	 * Whether the token is neither revoked nor expired at a time.
	 * @param now the time
	 * @return {@code true} when live
	 */
	public boolean liveAt(Instant now) {
		return this.lifetime.liveAt(now);
	}

	/**
	 * Who holds a token, as stored ({@link TokenGrant.Holder} as it was issued).
	 *
	 * @param agentId the agent the token was issued to (for a delegated token: the
	 * sub-agent acting), or {@code null} for a client that is not an agent
	 * @param subject {@code sub}: the root principal on whose authority the work runs
	 * @param clientId the client that asked for it ({@code client_id})
	 * @param owner the accountable human's email, or {@code null}
	 */
	public record Holder(AgentId agentId, String subject, String clientId, String owner) {

	}

	/**
	 * Where a token sits in its delegation family (RFC 8693 token exchange).
	 *
	 * @param parentJti the token it was derived from, or {@code null}
	 * @param rootJti the first token of its family (itself for a root token)
	 * @param depth its delegation depth (0 for a root agent's own token)
	 * @param actJson its RFC 8693 {@code act} claim as JSON, or {@code null}
	 */
	public record Family(Jti parentJti, Jti rootJti, int depth, String actJson) {

	}

	/**
	 * When a token was issued, expires and was revoked.
	 *
	 * @param issuedAt when it was issued
	 * @param expiresAt when it expires
	 * @param revokedAt when it was revoked, or {@code null}
	 */
	public record Lifetime(Instant issuedAt, Instant expiresAt, Instant revokedAt) {

		/**
		 * Whether the token is neither revoked nor expired at a time.
		 * @param now the time
		 * @return {@code true} when live
		 */
		public boolean liveAt(Instant now) {
			return this.revokedAt == null && now.isBefore(this.expiresAt);
		}

	}

}
