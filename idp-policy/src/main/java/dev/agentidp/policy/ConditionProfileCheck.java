package dev.agentidp.policy;

import java.util.List;

import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.ProfileCheck;

import org.springframework.util.Assert;

/**
 * Every condition of an identity document must compile before the document is written
 * (issue 16: "a document with an expression that does not compile is refused at
 * registration/PATCH with the compiler's message"): the admin API answers 400 naming the
 * member, e.g. {@code capabilities[2].condition: the condition cannot be compiled: ...}.
 */
final class ConditionProfileCheck implements ProfileCheck {

	private final Conditions conditions;

	ConditionProfileCheck(Conditions conditions) {
		Assert.notNull(conditions, "conditions cannot be null");
		this.conditions = conditions;
	}

	@Override
	public void check(AgentProfile profile) {
		compileEach("capabilities", profile.capabilities().stream().map((c) -> c.condition()).toList());
		compileEach("dataAccess", profile.dataAccess().stream().map((d) -> d.condition()).toList());
	}

	private void compileEach(String member, List<String> expressions) {
		for (int i = 0; i < expressions.size(); i++) {
			String expression = expressions.get(i);
			if (expression == null) {
				continue;
			}
			try {
				this.conditions.compile(expression);
			}
			catch (InvalidConditionException ex) {
				throw new InvalidInputException(member + "[" + i + "].condition", ex.getMessage());
			}
		}
	}

}
