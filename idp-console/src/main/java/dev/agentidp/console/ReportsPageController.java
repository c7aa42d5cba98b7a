package dev.agentidp.console;

import dev.agentidp.anomalies.AnomaliesProperties;
import dev.agentidp.anomalies.AnomalyReports;
import dev.agentidp.anomalies.UnusedPermissions;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.InvalidInputException;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The reports page ({@code /console/reports}, issue 20 "Reports"), admins and auditors:
 * an agent's unused permissions with the ready merge patch as text, out-of-scope
 * attempts, failing authentication, agents without an active owner and agents past the
 * key age without a rotation, each read through {@link AnomalyReports} as the admin API's
 * {@code /admin/v1/reports/...} are, with the same windows and defaults.
 */
@Controller
class ReportsPageController {

	/** The rows each registry-wide report shows. */
	static final int ROWS = 100;

	private final AnomalyReports reports;

	private final AgentRegistry registry;

	private final People people;

	private final AnomaliesProperties properties;

	ReportsPageController(AnomalyReports reports, AgentRegistry registry, People people,
			AnomaliesProperties properties) {
		Assert.notNull(reports, "reports cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(people, "people cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		this.reports = reports;
		this.registry = registry;
		this.people = people;
		this.properties = properties;
	}

	@GetMapping("/console/reports")
	String reports(@RequestParam(required = false) String agent, @RequestParam(required = false) String days,
			@RequestParam(required = false) String keyDays, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		if (me == null || !ConsoleAccess.mayReadReports(me)) {
			throw new ConsoleDeniedException(null, "no role for this page or action");
		}
		int window = days("days", days, this.properties.unusedDays());
		int keyAge = days("keyDays", keyDays, this.properties.maxKeyAgeDays());
		model.addAttribute("title", "Reports");
		model.addAttribute("days", window);
		model.addAttribute("keyDays", keyAge);
		model.addAttribute("agentId", StringUtils.hasText(agent) ? agent.strip() : "");
		if (StringUtils.hasText(agent)) {
			AgentId id = agentId(agent.strip());
			Agent found = this.registry.getAgent(id);
			UnusedPermissions unused = this.reports.unusedPermissions(id, window);
			model.addAttribute("unusedAgent", found);
			model.addAttribute("unused", unused);
			model.addAttribute("sinceText", ConsoleTimes.text(unused.since()));
			model.addAttribute("unusedCapabilities",
					unused.unusedCapabilities().stream().map((c) -> c.scope()).toList());
			model.addAttribute("unusedTools", unused.unusedTools().stream().map((t) -> t.id()).toList());
			model.addAttribute("unusedData",
					unused.unusedDataAccess().stream().map((d) -> d.resource() + ":" + d.access().value()).toList());
			model.addAttribute("patch", unused.mergePatch());
		}
		model.addAttribute("outOfScope", this.reports.outOfScope(window, ROWS));
		model.addAttribute("failing", this.reports.failingAuthentication(ROWS).stream().map(FailingRow::of).toList());
		model.addAttribute("ownerless", this.reports.ownerless(this.people::whyNotActive, ROWS));
		model.addAttribute("staleKeys", this.reports.staleKeys(keyAge, ROWS).stream().map(StaleKeyRow::of).toList());
		return "console/reports";
	}

	private static AgentId agentId(String agent) {
		try {
			return AgentId.of(agent);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("agent", "must be an agent's id (a UUID)");
		}
	}

	/** A window in days, 1 to {@value AnomalyReports#MAX_DAYS}, as the admin API's. */
	private static int days(String field, String value, int otherwise) {
		if (!StringUtils.hasText(value)) {
			return otherwise;
		}
		try {
			int days = Integer.parseInt(value.strip());
			if (days >= 1 && days <= AnomalyReports.MAX_DAYS) {
				return days;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidInputException(field, "must be between 1 and " + AnomalyReports.MAX_DAYS);
	}

	/** A failing client as the page shows it. */
	record FailingRow(String clientId, long failures, long sources, String lastFailure) {

		static FailingRow of(dev.agentidp.anomalies.FailingClient client) {
			return new FailingRow(client.clientId(), client.failures(), client.sources(),
					ConsoleTimes.text(client.lastFailure()));
		}

	}

	/** An agent past the key age as the page shows it. */
	record StaleKeyRow(String agentId, String name, String createdAt, String newestKey) {

		static StaleKeyRow of(dev.agentidp.anomalies.StaleKeyAgent agent) {
			return new StaleKeyRow(agent.agentId().toString(), agent.name(), ConsoleTimes.text(agent.createdAt()),
					(agent.newestKeyCreatedAt() != null) ? ConsoleTimes.text(agent.newestKeyCreatedAt())
							: "no active key");
		}

	}

}
