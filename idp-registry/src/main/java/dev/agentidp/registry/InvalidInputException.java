package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * A request to the registry broke a rule; nothing was changed. The message names the
 * field and the rule ({@code capabilities[0].scope: must be ...}), and never carries
 * secret or private key material.
 */
public final class InvalidInputException extends IllegalArgumentException {

	private final String field;

	private final String rule;

	/**
	 * @param field the field (a JSON path such as {@code tools[1].mcpServer})
	 * @param rule the rule it broke
	 */
	public InvalidInputException(String field, String rule) {
		super(field + ": " + rule);
		Assert.notNull(field, "field cannot be null");
		Assert.notNull(rule, "rule cannot be null");
		this.field = field;
		this.rule = rule;
	}

	/**
	 * The field that broke a rule.
	 * @return the field's JSON path
	 */
	public String field() {
		return this.field;
	}

	/**
	 * The rule it broke.
	 * @return the rule
	 */
	public String rule() {
		return this.rule;
	}

}
