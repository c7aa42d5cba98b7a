package dev.agentidp.registry;

import java.util.Map;

import org.springframework.util.Assert;

/**
 * The result of registering an agent or adding a key to one.
 *
 * @param agent the agent as it is now
 * @param privateJwk the generated private JWK members, to be handed to the caller once
 * and never stored or logged; {@code null} when the caller gave a public key
 */
public record AgentRegistration(Agent agent, Map<String, Object> privateJwk) {

	public AgentRegistration {
		Assert.notNull(agent, "agent cannot be null");
	}

	@Override
	public String toString() {
		return "AgentRegistration[agent=" + this.agent + ", privateJwk=" + ((this.privateJwk != null) ? "***" : null)
				+ "]";
	}

}
