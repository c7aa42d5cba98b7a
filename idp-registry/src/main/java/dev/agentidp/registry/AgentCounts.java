package dev.agentidp.registry;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many agents there are, by status and, among those not retired, by risk level: the
 * counts at the top of the console's inventory.
 *
 * @param active the active agents
 * @param suspended the suspended agents
 * @param retired the retired agents
 * @param byRisk the agents not retired, by risk level (every level present, 0 when none)
 * @see AgentRegistry#counts(String)
 */
public record AgentCounts(long active, long suspended, long retired, Map<RiskLevel, Long> byRisk) {

	public AgentCounts {
		Map<RiskLevel, Long> all = new EnumMap<>(RiskLevel.class);
		for (RiskLevel level : RiskLevel.values()) {
			all.put(level, (byRisk != null) ? byRisk.getOrDefault(level, 0L) : 0L);
		}
		byRisk = Map.copyOf(all);
	}

	/**
	 * The agents not retired at one risk level.
	 * @param level the risk level
	 * @return how many
	 */
	public long atRisk(RiskLevel level) {
		return this.byRisk.get(level);
	}

}
