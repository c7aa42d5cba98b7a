package dev.agentidp.resourceserver;

/**
 * Where the kit reports each request it refuses (a log line, and a Micrometer counter
 * when Micrometer is present): the RFC error code and the reason, never a token or a
 * proof.
 */
@FunctionalInterface
interface Refusals {

	/**
	 * A request was refused.
	 * @param error the error code answered ({@code invalid_dpop_proof},
	 * {@code invalid_token}, {@code invalid_request})
	 * @param reason why, as answered
	 */
	void refused(String error, String reason);

}
