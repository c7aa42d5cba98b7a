package dev.agentidp.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's own thresholds and reactions for the anomaly rules
 * ({@code tokenPolicy.anomaly}, docs/signals.md "Rules"): each member, when {@code null},
 * is the provider's ({@code idp.anomalies.*}). The constructor checks nothing but the
 * reactions' rule names; the bounds below are rules of what may be written
 * ({@link ProfileInvariants}).
 *
 * @param learningPeriodHours how long after registration the agent is only learned from,
 * 0 to {@value #MAX_LEARNING_PERIOD_HOURS}
 * @param rateFactor the {@code rate} rule's k: calls in 5 minutes above k × the baseline,
 * 1 to {@value #MAX_FACTOR}
 * @param minimumCalls the fewest calls in a window for the {@code rate} and
 * {@code denials} rules to fire, 1 to {@value #MAX_COUNT}
 * @param denialPercent the {@code denials} rule's share of denied calls, 1 to 100
 * @param subAgentFactor the {@code sub_agents} rule's k: sub-agents derived in an hour
 * above k × the baseline, 1 to {@value #MAX_FACTOR}
 * @param failedAuthentications the {@code failed_authentication} rule's threshold: failed
 * client authentications in an hour, across nodes, 1 to {@value #MAX_COUNT}
 * @param reactions the reaction per rule name ({@link #RULES}); a rule not named reacts
 * as configured
 */
public record AnomalyPolicy(Integer learningPeriodHours, Integer rateFactor, Integer minimumCalls,
		Integer denialPercent, Integer subAgentFactor, Integer failedAuthentications,
		Map<String, AnomalyReaction> reactions) {

	/** The names of the anomaly rules, in the order they are documented. */
	public static final List<String> RULES = List.of("rate", "new_resource", "denials", "sub_agents",
			"failed_authentication");

	/** The longest learning period: 30 days. */
	public static final int MAX_LEARNING_PERIOD_HOURS = 720;

	/** The largest factor k. */
	public static final int MAX_FACTOR = 1000;

	/** The largest count threshold. */
	public static final int MAX_COUNT = 1_000_000;

	/** The rule of {@code learningPeriodHours}. */
	public static final String LEARNING_PERIOD_RULE = "must be between 0 and " + MAX_LEARNING_PERIOD_HOURS
			+ " hours (30 days)";

	/** The rule of a factor. */
	public static final String FACTOR_RULE = "must be between 1 and " + MAX_FACTOR;

	/** The rule of a count. */
	public static final String COUNT_RULE = "must be between 1 and " + MAX_COUNT;

	/** The rule of {@code denialPercent}. */
	public static final String PERCENT_RULE = "must be between 1 and 100";

	/** The rule of a reaction's key. */
	public static final String RULE_NAME_RULE = "must name a rule: " + String.join(", ", RULES);

	/** No member set: every threshold and reaction is the provider's. */
	public static final AnomalyPolicy NONE = new AnomalyPolicy(null, null, null, null, null, null, null);

	public AnomalyPolicy {
		reactions = (reactions != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(reactions)) : Map.of();
		for (String rule : reactions.keySet()) {
			if (!RULES.contains(rule)) {
				throw new IllegalArgumentException("unknown anomaly rule " + rule);
			}
		}
	}

	/**
	 * Whether no member is set.
	 * @return {@code true} when every threshold and reaction is the provider's
	 */
	public boolean isEmpty() {
		return equals(NONE);
	}

	/**
	 * The members set, as the identity document holds them: whole numbers, and
	 * {@code reactions} as rule name to reaction value.
	 * @return the members, in the documented order
	 */
	public Map<String, Object> members() {
		Map<String, Object> members = new LinkedHashMap<>();
		putIfSet(members, "learningPeriodHours", this.learningPeriodHours);
		putIfSet(members, "rateFactor", this.rateFactor);
		putIfSet(members, "minimumCalls", this.minimumCalls);
		putIfSet(members, "denialPercent", this.denialPercent);
		putIfSet(members, "subAgentFactor", this.subAgentFactor);
		putIfSet(members, "failedAuthentications", this.failedAuthentications);
		if (!this.reactions.isEmpty()) {
			Map<String, String> values = new LinkedHashMap<>();
			this.reactions.forEach((rule, reaction) -> values.put(rule, reaction.value()));
			members.put("reactions", values);
		}
		return members;
	}

	private static void putIfSet(Map<String, Object> members, String member, Integer value) {
		if (value != null) {
			members.put(member, value);
		}
	}

}
