package dev.agentidp.registry;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Cache;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The registry's facade for agents: registration, identity documents and their versions,
 * keys, lifecycle, and the reads the token endpoint makes on every request.
 * <p>
 * Every change is made in one transaction that also publishes its domain event
 * ({@link AgentRegistered}, {@link AgentUpdated}, {@link AgentSuspended},
 * {@link AgentResumed}, {@link AgentRetired}, {@link KeyAdded}, {@link KeyRetired}); the
 * audit trail records the event in that same transaction. A rejected request changes
 * nothing: input is checked before anything is written. It takes value types and
 * commands, never JSON: the admin API binds and checks its bodies itself (idp-app), and
 * every profile written here is held to {@link ProfileInvariants}.
 * <p>
 * This facade holds the transaction boundaries and the reads; the changes are made by
 * {@link AgentChanges} (registration and the identity document), {@link AgentLifecycle}
 * (suspend, resume, retire), {@link AgentKeyChanges} (keys) and {@link SubAgents}. It
 * stays above 300 lines for the Javadoc of its public methods alone, the registry's
 * contract with the other modules; each body is a few lines.
 */
@Service
public class AgentRegistry {

	private final Agents agents;

	/**
	 * The registry's SQL function (V29) that answers an agent's version when it and every
	 * ancestor are active, and {@code NULL} otherwise:
	 * {@code agent_active_version(uuid)}. The one statement of the rule, for the modules
	 * that must read an agent's state in their own statement (the token store, beside a
	 * presented token's row); the agent it names is then {@link #activeAgentAt}.
	 */
	public static final String ACTIVE_VERSION_FUNCTION = "agent_active_version";

	/**
	 * The registry's SQL function (V6, V27) behind {@link #holdForIssuance}:
	 * {@code agent_hold_for_issuance(uuid)} takes the shared hold on the agent for the
	 * transaction and answers its version when it is active, else {@code NULL}. For the
	 * token store, which holds an agent in the statement that writes its token's row.
	 */
	public static final String HOLD_FOR_ISSUANCE_FUNCTION = "agent_hold_for_issuance";

	/** Parsed agents kept for the token path ({@link RegistryCaches#activeAgents()}). */
	private final Cache<AgentId, Agent> activeAgents;

	/** Derivation of sub-agents, and changes carried down to them. */
	private final SubAgents subAgents;

	/** Registration and changes of the identity document. */
	private final AgentChanges changes;

	/** Suspension, resumption and retirement. */
	private final AgentLifecycle lifecycle;

	/** Keys added and retired. */
	private final AgentKeyChanges keys;

	AgentRegistry(Agents agents, ApplicationEventPublisher events, SubAgentLimits limits, RegistryCaches caches) {
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(limits, "limits cannot be null");
		Assert.notNull(caches, "caches cannot be null");
		this.agents = agents;
		this.subAgents = new SubAgents(agents, events, limits, this::findActiveAgent);
		this.changes = new AgentChanges(agents, events, this.subAgents);
		this.lifecycle = new AgentLifecycle(agents, events);
		this.keys = new AgentKeyChanges(agents, events);
		this.activeAgents = caches.activeAgents();
	}

	/**
	 * Sets the other modules' rules every profile written is held to.
	 * @param profileChecks the rules
	 */
	@Autowired(required = false)
	void setProfileChecks(List<ProfileCheck> profileChecks) {
		this.changes.setProfileChecks(profileChecks);
	}

	// ---------------------------------------------------------------- registration

	/**
	 * Registers an agent (docs/api.md "Contract").
	 * @param profile the writable fields of its identity document
	 * @param newKey its first key, or {@code null} for an agent that declares workload
	 * identities and authenticates only with them (docs/workload-identity.md)
	 * @param actor the client registering it
	 * @return the agent and, when generated, its private JWK (to be returned once)
	 * @throws InvalidInputException when the profile breaks an invariant or the JWK is
	 * not an acceptable public key
	 * @throws AgentNameTakenException when the owner already has an agent of that name
	 */
	@Transactional
	public AgentRegistration register(AgentProfile profile, NewKey newKey, String actor) {
		return this.changes.register(profile, newKey, actor);
	}

	/**
	 * Finds or derives a sub-agent of a parent (docs/tokens.md "Contract", token
	 * exchange): same owner as the parent, the parent's environment and token policy,
	 * capabilities = the granted scopes (with the parent's description and risk for
	 * each). The same name under the same parent reuses the identity; scopes it lacks are
	 * added to its capabilities and a new public key is added to its keys.
	 * @param parentId the parent agent
	 * @param name the sub-agent's name, {@code [A-Za-z0-9._-]{1,64}}
	 * @param grantedScopes the scopes granted to it, each a capability of the parent
	 * @param publicJwk the sub-agent's public JWK as JSON, or {@code null} (then it
	 * cannot authenticate itself)
	 * @param actor the client on whose request it is derived (the parent)
	 * @return the sub-agent
	 * @throws AgentNotFoundException when there is no such parent
	 * @throws IllegalAgentStateException when the parent or an ancestor is not active, or
	 * the sub-agent is retired
	 * @throws InvalidInputException when the name, a scope or the JWK is not acceptable
	 */
	@Transactional
	public Agent registerSubAgent(AgentId parentId, String name, Set<String> grantedScopes, String publicJwk,
			String actor) {
		return this.subAgents.derive(parentId, name, grantedScopes, publicJwk, actor);
	}

	// ---------------------------------------------------------------- reads

	/**
	 * Finds an agent with its keys. Cheap: one statement over two indexes, no
	 * transaction.
	 * @param id the agent id
	 * @return the agent, or empty
	 */
	public Optional<Agent> findAgent(AgentId id) {
		if (id == null) {
			return Optional.empty();
		}
		return this.agents.find(id);
	}

	/**
	 * Finds an agent that may act now: it and every ancestor are active. Made for the
	 * token path, where it runs on every request: one statement reads the agent's current
	 * version and the state of its chain; the parsed agent (document and keys) is reused
	 * while its version is unchanged, so the answer is always as current as the database
	 * (every change of an agent, its status and its keys included, makes a new version).
	 * The parsed agents are bounded by {@code idp.registry.agent-cache-size}
	 * ({@link RegistryCaches}).
	 * @param id the agent id
	 * @return the agent, or empty when unknown or when it or an ancestor is suspended or
	 * retired
	 */
	public Optional<Agent> findActiveAgent(AgentId id) {
		if (id == null) {
			return Optional.empty();
		}
		Optional<Long> version = this.agents.activeVersion(id);
		if (version.isEmpty()) {
			// no longer a guess worth making (lastSeenActiveAgent)
			this.activeAgents.invalidate(id);
			return Optional.empty();
		}
		return activeAgentAt(id, version.get());
	}

	/**
	 * The agent as this node last found it active, read from no database: a guess, never
	 * an answer. A caller acts on it only once a statement of its own has confirmed it,
	 * by {@link #ACTIVE_VERSION_FUNCTION} answering the guess's version (client
	 * authentication confirms it in the statement that records the assertion's first use,
	 * and falls back to {@link #findActiveAgent} otherwise). Empty once
	 * {@link #findActiveAgent} found the agent inactive on this node, or when it was
	 * never read here.
	 * @param id the agent id
	 * @return the agent last found active here, or empty
	 */
	public Optional<Agent> lastSeenActiveAgent(AgentId id) {
		Assert.notNull(id, "id cannot be null");
		return Optional.ofNullable(this.activeAgents.getIfPresent(id));
	}

	/**
	 * The agent that {@link #ACTIVE_VERSION_FUNCTION} found active at a version, in a
	 * statement of the caller's own (the token store reads a presented token's row and
	 * its agent's state in one statement): the parsed agent of that version when it is
	 * kept, else the agent read now, as {@link #findActiveAgent} does after its own read.
	 * @param id the agent id
	 * @param activeVersion the version the function answered
	 * @return the agent, or empty when it is no longer active
	 */
	public Optional<Agent> activeAgentAt(AgentId id, long activeVersion) {
		Assert.notNull(id, "id cannot be null");
		Agent cached = this.activeAgents.getIfPresent(id);
		if (cached != null && cached.version() == activeVersion) {
			return Optional.of(cached);
		}
		Optional<Agent> loaded = this.agents.find(id).filter((agent) -> agent.status() == AgentStatus.ACTIVE);
		if (loaded.isPresent()) {
			this.activeAgents.put(id, loaded.get());
		}
		else {
			this.activeAgents.invalidate(id);
		}
		return loaded;
	}

	/**
	 * The agent, or an exception.
	 * @param id the agent id
	 * @return the agent
	 * @throws AgentNotFoundException when there is none
	 */
	public Agent getAgent(AgentId id) {
		return findAgent(id).orElseThrow(() -> AgentNotFoundException.agent(id));
	}

	/**
	 * Finds a derived sub-agent by its parent and name.
	 * @param parentId the parent
	 * @param name the sub-agent's name
	 * @return the sub-agent, or empty
	 */
	public Optional<Agent> findSubAgent(AgentId parentId, String name) {
		if (parentId == null || !Names.isValid(name)) {
			return Optional.empty();
		}
		return this.agents.findSubAgent(parentId, name);
	}

	/**
	 * Whether an agent and every ancestor up its parent chain are active: the condition
	 * for it to authenticate and for its tokens to be active. One statement.
	 * @param id the agent id
	 * @return {@code false} for an unknown agent, or when it or an ancestor is suspended
	 * or retired
	 */
	public boolean isActiveWithAncestors(AgentId id) {
		return id != null && this.agents.isActiveWithAncestors(id);
	}

	/**
	 * Holds an agent against suspension and retirement until the caller's transaction
	 * ends, and says whether it is active now (issue 14, item 6). Every transaction that
	 * writes a token for the agent calls this before it writes: a concurrent
	 * {@link #suspend suspend} or {@link #retire retire} waits for it to commit, so that
	 * the revocation it runs next sees the token; one that has already begun makes this
	 * call wait, and then answer empty. A removal of capabilities waits the same way, and
	 * the version it wrote is answered: a caller that decided on an older version decides
	 * again. Holds do not block each other.
	 * @param id the agent
	 * @return the agent's version now, or empty when it is unknown or not active
	 * @throws IllegalStateException when no transaction is active
	 */
	public Optional<Long> holdForIssuance(AgentId id) {
		Assert.notNull(id, "id cannot be null");
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"an agent is held for the transaction that writes its token");
		return this.agents.holdForIssuance(id);
	}

	/**
	 * {@link #holdForIssuance Holds} an agent for the caller's transaction and then says
	 * whether it and every ancestor are active ({@link #isActiveWithAncestors}), read
	 * after the hold was granted: the two calls in one statement, for a token written for
	 * a sub-agent (token exchange).
	 * @param id the agent
	 * @return the agent's version now, or empty when it is unknown, or it or an ancestor
	 * is not active
	 * @throws IllegalStateException when no transaction is active
	 */
	public Optional<Long> holdForIssuanceWithAncestors(AgentId id) {
		Assert.notNull(id, "id cannot be null");
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"an agent is held for the transaction that writes its token");
		return this.agents.holdForIssuanceWithAncestors(id);
	}

	/**
	 * Stops issuance for an agent until the caller's transaction ends: waits for every
	 * transaction {@link #holdForIssuance holding} it to end, and makes later ones wait.
	 * Call it before revoking every token of the agent, so that no token written
	 * concurrently escapes the revocation (issue 14, item 6).
	 * @param id the agent
	 * @throws IllegalStateException when no transaction is active
	 */
	public void stopIssuance(AgentId id) {
		Assert.notNull(id, "id cannot be null");
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"issuance is stopped for the transaction that revokes");
		this.agents.stopIssuance(id);
	}

	/**
	 * A key of an agent usable now (active, or retiring before its expiry), for verifying
	 * a client assertion. One indexed read.
	 * @param agentId the agent
	 * @param kid the key id the assertion names
	 * @return the key, or empty when there is none or it is revoked
	 */
	public Optional<AgentKey> findActiveKey(AgentId agentId, String kid) {
		if (agentId == null || kid == null || kid.isEmpty() || kid.length() > 64) {
			return Optional.empty();
		}
		return this.agents.usableKey(agentId, kid, this.agents.now());
	}

	/**
	 * Every key of an agent usable now (active, or retiring before its expiry).
	 * @param agentId the agent
	 * @return the keys, oldest first
	 */
	public List<AgentKey> activeKeys(AgentId agentId) {
		if (agentId == null) {
			return List.of();
		}
		return this.agents.usableKeys(agentId, this.agents.now());
	}

	/**
	 * Every sub-agent below an agent, transitively (children first).
	 * @param id the agent
	 * @return the sub-agents' ids
	 */
	public List<AgentId> subAgentIds(AgentId id) {
		return this.agents.descendants(id);
	}

	/**
	 * How many direct sub-agents each agent has (the console's inventory): one statement
	 * for them all.
	 * @param ids the agents, at most {@value Page#MAX_LIMIT}
	 * @return each agent's count (0 for one without sub-agents)
	 */
	@Transactional(readOnly = true)
	public Map<AgentId, Long> subAgentCounts(Collection<AgentId> ids) {
		Assert.notNull(ids, "ids cannot be null");
		Assert.isTrue(ids.size() <= Page.MAX_LIMIT, "at most " + Page.MAX_LIMIT + " agents at a time");
		if (ids.isEmpty()) {
			return Map.of();
		}
		Map<AgentId, Long> found = this.agents.countChildrenOf(ids);
		Map<AgentId, Long> counts = new LinkedHashMap<>();
		for (AgentId id : ids) {
			counts.put(id, found.getOrDefault(id, 0L));
		}
		return counts;
	}

	/**
	 * One page of agents, oldest first.
	 * @param filter the filters
	 * @param cursor the cursor of a previous page, or {@code null} for the first
	 * @param limit the page size, 1 to {@value Page#MAX_LIMIT}
	 * @return the page
	 * @throws InvalidInputException for a bad cursor or limit
	 */
	@Transactional(readOnly = true)
	public Page<Agent> list(AgentFilter filter, String cursor, int limit) {
		return this.agents.list((filter != null) ? filter : AgentFilter.ANY, cursor, Page.checkLimit(limit));
	}

	/**
	 * How many agents there are by status, and by risk level among those not retired. One
	 * statement over an index.
	 * @param owner count only this owner's agents, or {@code null} for every agent
	 * @return the counts
	 */
	@Transactional(readOnly = true)
	public AgentCounts counts(String owner) {
		return this.agents.counts((owner != null) ? Emails.normalize(owner) : null);
	}

	/**
	 * One version of an agent: the identity document as it was then (the primary key of
	 * {@code agent_version}).
	 * @param id the agent
	 * @param version the version
	 * @return the version, or empty when the agent never had it
	 */
	@Transactional(readOnly = true)
	public Optional<AgentVersion> version(AgentId id, long version) {
		Assert.notNull(id, "id cannot be null");
		return this.agents.version(id, version);
	}

	/**
	 * One page of an agent's versions, newest first: each the identity document as it was
	 * at that version.
	 * @param id the agent
	 * @param cursor the cursor of a previous page, or {@code null} for the first
	 * @param limit the page size, 1 to {@value Page#MAX_LIMIT}
	 * @return the page
	 * @throws AgentNotFoundException when there is no such agent
	 */
	@Transactional(readOnly = true)
	public Page<AgentVersion> versions(AgentId id, String cursor, int limit) {
		Page.checkLimit(limit);
		getAgent(id);
		return this.agents.versions(id, cursor, limit);
	}

	/**
	 * An agent's identity document as the admin API shows it now: its current version,
	 * each key with the status in force at the registry's time ({@link #now()}).
	 * @param agent the agent
	 * @return the current version
	 */
	public AgentVersion currentVersion(Agent agent) {
		Assert.notNull(agent, "agent cannot be null");
		return AgentVersion.of(agent, this.agents.now());
	}

	/**
	 * The registry's time: its clock, at PostgreSQL's microsecond precision.
	 * @return now
	 */
	public Instant now() {
		return this.agents.now();
	}

	// ---------------------------------------------------------------- changes

	/**
	 * Changes the writable fields of an agent's identity document, making a new version;
	 * a change that changes nothing makes none. The change is applied to the profile as
	 * it is under the agent's row lock, so that concurrent changes of different fields
	 * (such as two JSON merge patches, RFC 7396) both take effect.
	 * @param id the agent
	 * @param change gives the new profile from the current one; an exception it throws
	 * (such as a rule the result breaks) changes nothing and reaches the caller
	 * @param expectedVersion the version the caller saw ({@code If-Match}), or
	 * {@code null} to skip the check
	 * @param actor the admin client
	 * @return the agent as it is now
	 * @throws InvalidInputException when the result breaks an invariant
	 * @throws AgentVersionMismatchException when the agent is no longer at the expected
	 * version
	 * @throws AgentNameTakenException when the new owner already has an agent of that
	 * name
	 * @throws IllegalAgentStateException when the agent is retired
	 */
	@Transactional
	public Agent update(AgentId id, UnaryOperator<AgentProfile> change, Long expectedVersion, String actor) {
		return this.changes.update(id, change, expectedVersion, actor);
	}

	/**
	 * Suspends an active agent; it and its sub-agents cannot authenticate until it is
	 * resumed ({@link AgentSuspended} lists the sub-agents whose tokens to revoke).
	 * @param id the agent
	 * @param reason why, or {@code null}
	 * @param actor the admin client
	 * @return the agent as it is now
	 * @throws IllegalAgentStateException unless the agent is active
	 */
	@Transactional
	public Agent suspend(AgentId id, String reason, String actor) {
		return this.lifecycle.suspend(id, reason, actor);
	}

	/**
	 * Resumes a suspended agent.
	 * @param id the agent
	 * @param reason why, or {@code null}
	 * @param actor the admin client
	 * @return the agent as it is now
	 * @throws IllegalAgentStateException unless the agent is suspended (retirement is
	 * final)
	 */
	@Transactional
	public Agent resume(AgentId id, String reason, String actor) {
		return this.lifecycle.resume(id, reason, actor);
	}

	/**
	 * Retires an agent for good, and every sub-agent below it (transitively).
	 * @param id the agent
	 * @param reason why, or {@code null}
	 * @param actor the admin client
	 * @return the agent as it is now
	 * @throws IllegalAgentStateException when it is already retired
	 */
	@Transactional
	public Agent retire(AgentId id, String reason, String actor) {
		return this.lifecycle.retire(id, reason, actor);
	}

	/**
	 * Adds a key to an agent.
	 * @param id the agent
	 * @param newKey the key: a public JWK, or an Ed25519 pair generated here
	 * @param actor the admin client
	 * @return the agent and, when generated, the private JWK (to be returned once)
	 * @throws InvalidInputException when the key is not acceptable
	 * @throws IllegalAgentStateException when the agent is retired or already has the key
	 */
	@Transactional
	public AgentRegistration addKey(AgentId id, NewKey newKey, String actor) {
		return this.keys.addKey(id, newKey, actor);
	}

	/**
	 * Retires a key: revoked at once when {@code graceSeconds} is 0, else retiring (still
	 * usable) until now + {@code graceSeconds}, then revoked.
	 * @param id the agent
	 * @param kid the key id
	 * @param graceSeconds the grace period, 0 or more
	 * @param revokeTokens whether to revoke, in the same transaction, every live token
	 * obtained by authenticating with the key, with every token derived from them
	 * @param actor the admin client
	 * @return the agent as it is now
	 * @throws InvalidInputException when {@code graceSeconds} is negative or above a year
	 * @throws AgentNotFoundException when there is no such agent or key
	 * @throws IllegalAgentStateException when the key is already revoked, is the last
	 * active key, or the agent is retired
	 */
	@Transactional
	public Agent retireKey(AgentId id, String kid, long graceSeconds, boolean revokeTokens, String actor) {
		return this.keys.retireKey(id, kid, graceSeconds, revokeTokens, actor);
	}

}
