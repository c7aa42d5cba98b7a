package dev.agentidp.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * What a condition sees: the five variables every condition is compiled against. Values
 * are JSON-like (strings, booleans, numbers, lists, maps with string keys);
 * {@code request.time} is a CEL {@code timestamp}.
 *
 * @param time the time of the request ({@code request.time})
 * @param request the rest of {@code request}: {@code cost} (a double) and
 * {@code arguments} (a map)
 * @param resource {@code type}, {@code id} and {@code properties} of the resource
 * @param agent the acting agent's identity document
 * @param token the token's claims
 * @param budget {@code unit}, {@code limit}, {@code spent} and {@code remaining}, or an
 * empty map when the agent has no budget
 */
public record ConditionInput(Instant time, Map<String, Object> request, Map<String, Object> resource,
		Map<String, Object> agent, Map<String, Object> token, Map<String, Object> budget) {

	public ConditionInput {
		Assert.notNull(time, "time cannot be null");
		request = (request != null) ? request : Map.of();
		resource = (resource != null) ? resource : Map.of();
		agent = (agent != null) ? agent : Map.of();
		token = (token != null) ? token : Map.of();
		budget = (budget != null) ? budget : Map.of();
	}

	/**
	 * The variables as the CEL program reads them.
	 * @return the variables by name
	 */
	Map<String, Object> variables() {
		Map<String, Object> request = new LinkedHashMap<>(this.request);
		request.put("time", this.time);
		return Map.of("request", request, "resource", this.resource, "agent", this.agent, "token", this.token, "budget",
				this.budget);
	}

}
