package dev.agentidp.anomalies;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentFilter;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.AgentStatus;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.KeyStatus;
import dev.agentidp.registry.Page;
import dev.agentidp.registry.Tool;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The reports of the detection (docs/signals.md "Reports"), read from the counts every
 * node shares: unused permissions, out-of-scope attempts, failing authentication; and
 * from the registry: agents without an active owner, agents past the key age without a
 * rotation. The admin API ({@code /admin/v1/reports/...}) and the console's reports page
 * both read them here.
 */
public final class AnomalyReports {

	/** The most rows a report answers. */
	public static final int MAX_ROWS = 1000;

	/** The longest window of a report, in days. */
	public static final int MAX_DAYS = 365;

	/** The most agents the registry-wide reports walk. */
	public static final int MAX_AGENTS_WALKED = 100_000;

	private static final String USED = """
			SELECT DISTINCT resource || ':' || action FROM agent_activity
			 WHERE agent_id = ? AND hour >= ? AND kind IN ('tool', 'data') AND code = 'allowed'""";

	private static final String DENIALS = """
			SELECT agent_id, code, sum(calls) AS calls FROM agent_activity
			 WHERE hour >= ? AND kind IN ('tool', 'data') AND code <> 'allowed'
			 GROUP BY agent_id, code ORDER BY calls DESC, agent_id, code LIMIT ?""";

	private static final String FAILING = """
			SELECT client_id, sum(failures) AS failures, count(*) AS sources, max(last_failure_at) AS last_failure
			  FROM failed_authentication
			 WHERE last_failure_at > now() - interval '1 hour'
			 GROUP BY client_id ORDER BY failures DESC, client_id LIMIT ?""";

	private final JdbcClient jdbc;

	private final AgentRegistry registry;

	private final Clock clock;

	AnomalyReports(JdbcClient jdbc, AgentRegistry registry, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * What an agent's document grants and it did not use in the last days.
	 * @param agentId the agent
	 * @param days the window, 1 to {@value #MAX_DAYS}
	 * @return the report
	 * @throws dev.agentidp.registry.AgentNotFoundException when the agent is unknown
	 */
	public UnusedPermissions unusedPermissions(AgentId agentId, int days) {
		Assert.isTrue(days >= 1 && days <= MAX_DAYS, "days must be between 1 and " + MAX_DAYS);
		Agent agent = this.registry.getAgent(agentId);
		Instant since = this.clock.instant().minus(Duration.ofDays(days));
		Set<String> used = new TreeSet<>(
				this.jdbc.sql(USED).params(agentId.value(), Timestamp.from(since)).query(String.class).list());
		AgentProfile profile = agent.profile();
		List<Capability> unusedCapabilities = new ArrayList<>();
		List<Capability> keptCapabilities = new ArrayList<>();
		for (Capability capability : profile.capabilities()) {
			(used.contains(capability.scope()) ? keptCapabilities : unusedCapabilities).add(capability);
		}
		List<Tool> unusedTools = new ArrayList<>();
		List<Tool> keptTools = new ArrayList<>();
		for (Tool tool : profile.tools()) {
			List<String> permissions = tool.permissions()
				.stream()
				.filter((permission) -> used.contains(tool.id() + ":" + permission))
				.toList();
			if (permissions.isEmpty()) {
				unusedTools.add(tool);
			}
			else {
				keptTools.add(new Tool(tool.id(), tool.mcpServer(), permissions));
			}
		}
		List<DataAccess> unusedData = new ArrayList<>();
		List<DataAccess> keptData = new ArrayList<>();
		for (DataAccess access : profile.dataAccess()) {
			(used.contains(access.resource() + ":" + access.access().value()) ? keptData : unusedData).add(access);
		}
		return new UnusedPermissions(agentId, days, since, List.copyOf(used), unusedCapabilities, unusedTools,
				unusedData, keptCapabilities, keptTools, keptData);
	}

	/**
	 * Denied decisions by agent and code in the last days, most first.
	 * @param days the window, 1 to {@value #MAX_DAYS}
	 * @param limit at most this many rows, 1 to {@value #MAX_ROWS}
	 * @return the counts
	 */
	public List<DenialCount> outOfScope(int days, int limit) {
		Assert.isTrue(days >= 1 && days <= MAX_DAYS, "days must be between 1 and " + MAX_DAYS);
		Assert.isTrue(limit >= 1 && limit <= MAX_ROWS, "limit must be between 1 and " + MAX_ROWS);
		Instant since = this.clock.instant().minus(Duration.ofDays(days));
		return this.jdbc.sql(DENIALS)
			.params(Timestamp.from(since), limit)
			.query((rows, n) -> new DenialCount(AgentId.of(rows.getObject("agent_id", java.util.UUID.class)),
					rows.getString("code"), rows.getLong("calls")))
			.list();
	}

	/**
	 * The clients whose authentications fail now (a failure in the last hour: the token
	 * endpoint's count starts again after an hour without one), most failures first.
	 * @param limit at most this many rows, 1 to {@value #MAX_ROWS}
	 * @return the clients
	 */
	public List<FailingClient> failingAuthentication(int limit) {
		Assert.isTrue(limit >= 1 && limit <= MAX_ROWS, "limit must be between 1 and " + MAX_ROWS);
		return this.jdbc.sql(FAILING)
			.param(limit)
			.query((rows, n) -> new FailingClient(rows.getString("client_id"), rows.getLong("failures"),
					rows.getLong("sources"), rows.getTimestamp("last_failure").toInstant()))
			.list();
	}

	/**
	 * The active agents whose owner is not an active person, in the registry's order.
	 * @param whyNotActive why an owner (an email address) is not an active person, or
	 * empty when it is one (the console's people; read once per owner)
	 * @param limit at most this many rows, 1 to {@value #MAX_ROWS}
	 * @return the agents
	 */
	public List<OwnerlessAgent> ownerless(Function<String, Optional<String>> whyNotActive, int limit) {
		Assert.notNull(whyNotActive, "whyNotActive cannot be null");
		Assert.isTrue(limit >= 1 && limit <= MAX_ROWS, "limit must be between 1 and " + MAX_ROWS);
		Map<String, Optional<String>> owners = new HashMap<>();
		List<OwnerlessAgent> items = new ArrayList<>();
		walkActive((agent) -> {
			String owner = agent.profile().owner();
			owners.computeIfAbsent(owner, whyNotActive)
				.ifPresent((why) -> items.add(new OwnerlessAgent(agent.id(), agent.profile().name(), owner, why)));
			return items.size() < limit;
		});
		return items;
	}

	/**
	 * The active agents registered before the key age whose newest active key was added
	 * before it too (or that have none), in the registry's order.
	 * @param maxKeyAgeDays the key age, 1 to {@value #MAX_DAYS}
	 * @param limit at most this many rows, 1 to {@value #MAX_ROWS}
	 * @return the agents
	 */
	public List<StaleKeyAgent> staleKeys(int maxKeyAgeDays, int limit) {
		Assert.isTrue(maxKeyAgeDays >= 1 && maxKeyAgeDays <= MAX_DAYS,
				"maxKeyAgeDays must be between 1 and " + MAX_DAYS);
		Assert.isTrue(limit >= 1 && limit <= MAX_ROWS, "limit must be between 1 and " + MAX_ROWS);
		Instant before = this.registry.now().minus(Duration.ofDays(maxKeyAgeDays));
		List<StaleKeyAgent> items = new ArrayList<>();
		walkActive((agent) -> {
			Instant newest = agent.keys()
				.stream()
				.filter((key) -> key.status() == KeyStatus.ACTIVE)
				.map(AgentKey::createdAt)
				.max(Instant::compareTo)
				.orElse(null);
			if (agent.createdAt().isBefore(before) && (newest == null || newest.isBefore(before))) {
				items.add(new StaleKeyAgent(agent.id(), agent.profile().name(), agent.createdAt(), newest));
			}
			return items.size() < limit;
		});
		return items;
	}

	/** Walks the active agents, page by page, while the visitor answers true. */
	private void walkActive(Predicate<Agent> visitor) {
		AgentFilter active = AgentFilter.of(null, AgentStatus.ACTIVE.value(), null, null, null);
		String cursor = null;
		int walked = 0;
		do {
			Page<Agent> page = this.registry.list(active, cursor, 500);
			for (Agent agent : page.items()) {
				if (!visitor.test(agent) || ++walked >= MAX_AGENTS_WALKED) {
					return;
				}
			}
			cursor = page.nextCursor();
		}
		while (cursor != null);
	}

}
