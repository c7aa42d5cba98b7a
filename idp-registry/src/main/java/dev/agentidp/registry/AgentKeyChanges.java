package dev.agentidp.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * How an agent's keys change: a key added (a public JWK, or an Ed25519 pair generated
 * here whose private half is returned once), a key retired at once or after a grace
 * period, with the tokens obtained with it when asked. Runs in the transaction of the
 * {@link AgentRegistry} call that uses it.
 */
final class AgentKeyChanges {

	private final Agents agents;

	private final ApplicationEventPublisher events;

	AgentKeyChanges(Agents agents, ApplicationEventPublisher events) {
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(events, "events cannot be null");
		this.agents = agents;
		this.events = events;
	}

	/**
	 * Adds a key to an agent ({@link AgentRegistry#addKey}).
	 */
	AgentRegistration addKey(AgentId id, NewKey newKey, String actor) {
		Assert.notNull(newKey, "newKey cannot be null");
		Instant now = this.agents.now();
		IssuedKey key = issue(newKey, now);
		Agent agent = this.agents.lock(id).orElseThrow(() -> AgentNotFoundException.agent(id));
		agent.addKey(key.key(), now);
		this.agents.save(agent, actor, now);
		this.events.publishEvent(new KeyAdded(id, key.key().kid(), key.privateJwk() != null, actor));
		return new AgentRegistration(agent, key.privateJwk());
	}

	/**
	 * Retires a key ({@link AgentRegistry#retireKey}).
	 */
	Agent retireKey(AgentId id, String kid, long graceSeconds, boolean revokeTokens, String actor) {
		if (graceSeconds < 0 || graceSeconds > Duration.ofDays(366).toSeconds()) {
			throw new InvalidInputException("graceSeconds", "must be an integer between 0 and 31622400 (366 days)");
		}
		Agent agent = this.agents.lock(id).orElseThrow(() -> AgentNotFoundException.agent(id));
		Instant now = this.agents.now();
		AgentKey retired = agent.retireKey(kid, Duration.ofSeconds(graceSeconds), now);
		this.agents.save(agent, actor, now);
		if (revokeTokens) {
			// issue 14, item 6: tokens being obtained with the key now are committed
			// first
			this.agents.stopIssuance(id);
		}
		this.events.publishEvent(new KeyRetired(id, kid, retired.status(), retired.expiresAt(), revokeTokens, actor));
		return agent;
	}

	/**
	 * The key a {@link NewKey} stands for: the public JWK read, or an Ed25519 pair
	 * generated.
	 */
	static IssuedKey issue(NewKey newKey, Instant now) {
		if (!newKey.generated()) {
			return new IssuedKey(PublicKeys.read("jwk", newKey.publicJwk(), now), null);
		}
		PublicKeys.GeneratedKey generated = PublicKeys.generateEd25519();
		return new IssuedKey(
				new AgentKey(generated.publicJwk().getKeyID(), generated.publicJwk(), KeyStatus.ACTIVE, now, null),
				generated.privateJwk());
	}

	/** A key as added: the stored public key and, when generated, its private JWK. */
	record IssuedKey(AgentKey key, Map<String, Object> privateJwk) {

		@Override
		public String toString() {
			return "IssuedKey[kid=" + ((this.key != null) ? this.key.kid() : null) + "]";
		}

	}

}
