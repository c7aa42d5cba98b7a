package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * Something an agent may do: a scope it may hold in a token, what it means, and its risk.
 * The scope's syntax is an input rule ({@link Scopes}), checked where a capability is
 * written, not here: a stored capability stays readable.
 *
 * @param scope the scope, RFC 6749 §3.3 {@code scope-token} syntax, e.g.
 * {@code github:create_pr}
 * @param description what the scope allows, or {@code null}
 * @param riskLevel the risk of granting it
 * @param condition a CEL expression the policy decision point requires true before a call
 * under this capability is allowed (docs/policy.md), or {@code null}
 */
public record Capability(String scope, String description, RiskLevel riskLevel, String condition) {

	public Capability {
		Assert.hasText(scope, "scope cannot be empty");
		Assert.notNull(riskLevel, "riskLevel cannot be null");
	}

	/**
	 * A capability without a condition.
	 * @param scope the scope
	 * @param description what the scope allows, or {@code null}
	 * @param riskLevel the risk of granting it
	 */
	public Capability(String scope, String description, RiskLevel riskLevel) {
		this(scope, description, riskLevel, null);
	}

}
