package dev.agentidp.app.policy;

/**
 * A malformed request to the policy decision point: 400 {@code invalid_request} with
 * {@code "<field path>: <rule>"} (never a decision).
 */
final class PolicyRequestException extends RuntimeException {

	PolicyRequestException(String field, String rule) {
		super(field + ": " + rule);
	}

}
