package dev.agentidp.app.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.anomalies.AnomaliesProperties;
import dev.agentidp.anomalies.AnomalyReports;
import dev.agentidp.anomalies.UnusedPermissions;
import dev.agentidp.console.People;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.InvalidInputException;
import tools.jackson.databind.json.JsonMapper;

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

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final AnomalyReports reports;

	private final People people;

	private final AnomaliesProperties properties;

	ReportController(AnomalyReports reports, People people, AnomaliesProperties properties) {
		this.reports = reports;
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
		json.put("patch", JSON.readTree(report.mergePatch()));
		return json;
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
		return Map.of("items", this.reports.ownerless(this.people::whyNotActive, limit(limit)).stream().map((agent) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("agentId", agent.agentId().toString());
			row.put("name", agent.name());
			row.put("owner", agent.owner());
			row.put("why", agent.why());
			return row;
		}).toList());
	}

	@GetMapping("/stale-keys")
	Map<String, Object> staleKeys(@RequestParam(required = false) Integer days,
			@RequestParam(required = false) Integer limit) {
		int maxAge = days(days, this.properties.maxKeyAgeDays());
		return Map.of("days", maxAge, "items", this.reports.staleKeys(maxAge, limit(limit)).stream().map((agent) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("agentId", agent.agentId().toString());
			row.put("name", agent.name());
			row.put("createdAt", agent.createdAt().toString());
			row.put("newestKeyCreatedAt",
					(agent.newestKeyCreatedAt() != null) ? agent.newestKeyCreatedAt().toString() : null);
			return row;
		}).toList());
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
