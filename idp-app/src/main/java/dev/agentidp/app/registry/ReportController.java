package dev.agentidp.app.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.anomalies.AnomaliesProperties;
import dev.agentidp.anomalies.AnomalyReports;
import dev.agentidp.anomalies.UnusedPermissions;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentFilter;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentStatus;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.KeyStatus;
import dev.agentidp.registry.Page;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/reports/...}: what the detection knows about the agents as a whole
 * (docs/api.md, docs/signals.md "Reports"): unused permissions with a ready JSON merge
 * patch (RFC 7396) that removes them, out-of-scope attempts, failing authentication,
 * agents without an active owner, and agents past the key age without a rotation.
 */
@RestController
@RequestMapping(path = "/admin/v1/reports", produces = MediaType.APPLICATION_JSON_VALUE)
class ReportController {

	/** The most agents the registry-wide reports walk. */
	static final int MAX_AGENTS_WALKED = 100_000;

	private final AnomalyReports reports;

	private final AgentRegistry registry;

	private final People people;

	private final AnomaliesProperties properties;

	ReportController(AnomalyReports reports, AgentRegistry registry, People people, AnomaliesProperties properties) {
		this.reports = reports;
		this.registry = registry;
		this.people = people;
		this.properties = properties;
	}

	@GetMapping("/unused-permissions")
	Map<String, Object> unusedPermissions(@RequestParam(required = false) String agent,
			@RequestParam(required = false) Integer days) {
		if (agent == null) {
			throw new InvalidInputException("agent", "is required: the agent's id");
		}
		AgentId id;
		try {
			id = AgentId.of(agent);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("agent", "must be an agent's id (a UUID)");
		}
		UnusedPermissions report = this.reports.unusedPermissions(id, days(days, this.properties.unusedDays()));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("agentId", id.toString());
		json.put("days", report.days());
		json.put("since", report.since().toString());
		json.put("usedScopes", report.usedScopes());
		Map<String, Object> unused = new LinkedHashMap<>();
		unused.put("capabilities", report.unusedCapabilities().stream().map((c) -> c.scope()).toList());
		unused.put("tools", report.unusedTools().stream().map((t) -> t.id()).toList());
		unused.put("dataAccess",
				report.unusedDataAccess().stream().map((d) -> d.resource() + ":" + d.access().value()).toList());
		json.put("unused", unused);
		json.put("patch", patch(this.registry.getAgent(id).profile(), report));
		return json;
	}

	/**
	 * RFC 7396 replaces arrays whole: the patch holds the three lists without what was
	 * not used, rendered as the document renders them.
	 */
	private static ObjectNode patch(AgentProfile profile, UnusedPermissions report) {
		AgentProfile kept = new AgentProfile(profile.name(), profile.owner(), profile.team(), profile.platform(),
				profile.environment(), profile.description(), profile.role(), report.keptCapabilities(),
				report.keptTools(), profile.resources(), report.keptDataAccess(), profile.humanOversight(),
				profile.tokenPolicy());
		ObjectNode document = AgentDocumentJson.profile(kept);
		ObjectNode patch = JsonNodeFactory.instance.objectNode();
		for (String member : List.of("capabilities", "tools", "dataAccess")) {
			patch.set(member, document.get(member));
		}
		return patch;
	}

	@GetMapping("/out-of-scope")
	Map<String, Object> outOfScope(@RequestParam(required = false) Integer days,
			@RequestParam(required = false) Integer limit) {
		int window = days(days, this.properties.unusedDays());
		Map<String, Map<String, Object>> byAgent = new LinkedHashMap<>();
		this.reports.outOfScope(window, limit(limit)).forEach((count) -> {
			Map<String, Object> row = byAgent.computeIfAbsent(count.agentId().toString(), (agentId) -> {
				Map<String, Object> created = new LinkedHashMap<>();
				created.put("agentId", agentId);
				created.put("denials", new LinkedHashMap<String, Long>());
				return created;
			});
			@SuppressWarnings("unchecked")
			Map<String, Long> denials = (Map<String, Long>) row.get("denials");
			denials.put(count.code(), count.count());
		});
		return Map.of("days", window, "items", List.copyOf(byAgent.values()));
	}

	@GetMapping("/failing-authentication")
	Map<String, Object> failingAuthentication(@RequestParam(required = false) Integer limit) {
		return Map.of("items", this.reports.failingAuthentication(limit(limit)).stream().map((client) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("clientId", client.clientId());
			row.put("failures", client.failures());
			row.put("sources", client.sources());
			row.put("lastFailure", client.lastFailure().toString());
			return row;
		}).toList());
	}

	@GetMapping("/ownerless")
	Map<String, Object> ownerless(@RequestParam(required = false) Integer limit) {
		int most = limit(limit);
		Map<String, Optional<Person>> owners = new HashMap<>();
		List<Map<String, Object>> items = new ArrayList<>();
		walkActive((agent) -> {
			String owner = agent.profile().owner();
			Optional<Person> person = owners.computeIfAbsent(owner, this.people::find);
			if (person.isEmpty() || person.get().disabled()) {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("agentId", agent.id().toString());
				row.put("name", agent.profile().name());
				row.put("owner", owner);
				row.put("why", person.isEmpty() ? "no person has this email" : "the person is disabled");
				items.add(row);
			}
			return items.size() < most;
		});
		return Map.of("items", items);
	}

	@GetMapping("/stale-keys")
	Map<String, Object> staleKeys(@RequestParam(required = false) Integer days,
			@RequestParam(required = false) Integer limit) {
		int maxAge = days(days, this.properties.maxKeyAgeDays());
		int most = limit(limit);
		Instant before = this.registry.now().minus(Duration.ofDays(maxAge));
		List<Map<String, Object>> items = new ArrayList<>();
		walkActive((agent) -> {
			Instant newest = agent.keys()
				.stream()
				.filter((key) -> key.status() == KeyStatus.ACTIVE)
				.map(AgentKey::createdAt)
				.max(Instant::compareTo)
				.orElse(null);
			if (agent.createdAt().isBefore(before) && (newest == null || newest.isBefore(before))) {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("agentId", agent.id().toString());
				row.put("name", agent.profile().name());
				row.put("createdAt", agent.createdAt().toString());
				row.put("newestKeyCreatedAt", (newest != null) ? newest.toString() : null);
				items.add(row);
			}
			return items.size() < most;
		});
		return Map.of("days", maxAge, "items", items);
	}

	/** Walks the active agents, page by page, while the visitor answers true. */
	private void walkActive(java.util.function.Predicate<Agent> visitor) {
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

	private static int days(Integer days, int otherwise) {
		if (days == null) {
			return otherwise;
		}
		if (days < 1 || days > AnomalyReports.MAX_DAYS) {
			throw new InvalidInputException("days", "must be between 1 and " + AnomalyReports.MAX_DAYS);
		}
		return days;
	}

	private static int limit(Integer limit) {
		if (limit == null) {
			return 100;
		}
		if (limit < 1 || limit > AnomalyReports.MAX_ROWS) {
			throw new InvalidInputException("limit", "must be between 1 and " + AnomalyReports.MAX_ROWS);
		}
		return limit;
	}

}
