package dev.agentidp.policy;

import org.springframework.util.Assert;

/**
 * A request the policy decision point does not evaluate (AuthZEN 1.0: a malformed request
 * is an error, never a decision): the HTTP edge answers 400 {@code invalid_request} with
 * {@code "<field>: <rule>"}.
 */
public final class InvalidAccessRequestException extends RuntimeException {

	private final String field;

	private final String rule;

	/**
	 * @param field the field's path, e.g. {@code subject.properties.token}
	 * @param rule the rule it breaks
	 */
	public InvalidAccessRequestException(String field, String rule) {
		super(field + ": " + rule);
		Assert.hasText(field, "field cannot be empty");
		Assert.hasText(rule, "rule cannot be empty");
		this.field = field;
		this.rule = rule;
	}

	/**
	 * The field's path.
	 * @return the path
	 */
	public String field() {
		return this.field;
	}

	/**
	 * The rule it breaks.
	 * @return the rule
	 */
	public String rule() {
		return this.rule;
	}

}
