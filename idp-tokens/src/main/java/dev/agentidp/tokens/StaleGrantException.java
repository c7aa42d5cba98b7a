package dev.agentidp.tokens;

/**
 * The agent a token was being written for changed while its request was decided, or
 * stopped being active: the issuance hold taken in the statement that wrote the row
 * ({@link AccessTokenMinter#mintHeld}) answered another version than the one the grant
 * was decided on, or none. Thrown inside the issuing transaction, so that the row rolls
 * back; the caller holds the agent first and decides again.
 */
final class StaleGrantException extends RuntimeException {

	StaleGrantException() {
		super("The agent changed while the token request was decided", null, false, false);
	}

}
