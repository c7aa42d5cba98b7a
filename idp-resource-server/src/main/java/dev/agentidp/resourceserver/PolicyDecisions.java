package dev.agentidp.resourceserver;

import java.math.BigDecimal;
import java.util.Set;

/**
 * The policy decision point as a tool server asks it (docs/policy.md): the
 * auto-configuration's client calls the provider's AuthZEN endpoints as the
 * resource-server client; a bean of this type replaces it.
 */
public interface PolicyDecisions {

	/**
	 * May the agent make this call now? Passes the token and, for a DPoP-bound one, the
	 * request's proof, method and URI ({@code subject.properties}).
	 * @param caller the request's authentication
	 * @param tool the tool's id ({@code resource.id})
	 * @param action the permission ({@code action.name})
	 * @param target what the call acts on ({@code resource.properties.target}), or
	 * {@code null}
	 * @param cost the call's cost ({@code context.cost}), or {@code null}
	 * @return the decision; a PDP that cannot be asked is a denial
	 */
	ToolDecision evaluate(AgentAuthentication caller, String tool, String action, String target, BigDecimal cost);

	/**
	 * The actions the agent may perform on a tool now (AuthZEN 1.0 action search).
	 * @param caller the request's authentication
	 * @param tool the tool's id
	 * @return the allowed actions; none when the PDP cannot be asked
	 */
	Set<String> allowedActions(AgentAuthentication caller, String tool);

}
