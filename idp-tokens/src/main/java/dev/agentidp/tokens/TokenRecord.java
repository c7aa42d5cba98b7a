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
 * @param agentId the agent the token was issued to (for a delegated token: the sub-agent
 * acting), or {@code null} for a client that is not an agent
 * @param clientId the client that asked for it ({@code client_id})
 * @param subject {@code sub}: the root principal on whose authority the work runs
 * @param parentJti the token it was derived from, or {@code null}
 * @param rootJti the first token of its delegation family (itself for a root token)
 * @param task the task id, or {@code null}
 * @param scopes the scopes granted
 * @param audience the audience ({@code aud})
 * @param issuedAt when it was issued
 * @param expiresAt when it expires
 * @param revokedAt when it was revoked, or {@code null}
 * @param depth its delegation depth (0 for a root agent's own token)
 * @param actJson its RFC 8693 {@code act} claim as JSON, or {@code null}
 * @param cnfJkt its RFC 7638 key binding ({@code cnf.jkt}), or {@code null}
 * @param owner the accountable human's email, or {@code null}
 * @param kid the provider key that signed it
 */
public record TokenRecord(Jti jti, AgentId agentId, String clientId, String subject, Jti parentJti, Jti rootJti,
		String task, Set<String> scopes, List<String> audience, Instant issuedAt, Instant expiresAt, Instant revokedAt,
		int depth, String actJson, String cnfJkt, String owner, String kid) {

	/**
	 * Whether the token is neither revoked nor expired at a time.
	 * @param now the time
	 * @return {@code true} when live
	 */
	public boolean liveAt(Instant now) {
		return this.revokedAt == null && now.isBefore(this.expiresAt);
	}

}
