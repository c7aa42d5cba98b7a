package dev.agentidp.tokens;

import java.time.Instant;

/**
 * An agent's tokens at a glance, for the console's inventory
 * ({@link TokenService#activityOf}).
 *
 * @param lastIssuedAt when its last token the store still holds was issued (rows are kept
 * an hour to a day and an hour after they expire: the purge drops whole days), or
 * {@code null} when there is none
 * @param liveTokens how many of its tokens are neither revoked nor expired
 */
public record TokenActivity(Instant lastIssuedAt, long liveTokens) {

	/** No token at all. */
	public static final TokenActivity NONE = new TokenActivity(null, 0);

}
