package dev.agentidp.console;

import java.util.List;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentCounts;
import dev.agentidp.registry.AgentFilter;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.Environment;
import dev.agentidp.registry.Page;
import dev.agentidp.registry.RiskLevel;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The inventory ({@code /console}): the counts at the top (active, suspended, by risk)
 * and one page of 50 agents, oldest first, by the filters given (owner, status, risk,
 * environment, a substring of the name), through the registry's keyset paging. An owner
 * sees only their own agents, whatever the filters say ({@link ConsoleAccess}).
 */
@Controller
class InventoryController {

	static final int PAGE_SIZE = 50;

	private final AgentRegistry registry;

	InventoryController(AgentRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		this.registry = registry;
	}

	@GetMapping({ "/console", "/console/" })
	String inventory(@RequestParam(required = false) String owner, @RequestParam(required = false) String status,
			@RequestParam(required = false) String risk, @RequestParam(required = false) String environment,
			@RequestParam(required = false) String q, @RequestParam(required = false) String cursor, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		String listedOwner = ConsoleAccess.inventoryOwner(me, blankToNull(owner));
		AgentFilter filter = AgentFilter.of(listedOwner, blankToNull(status), blankToNull(risk), null, blankToNull(q),
				blankToNull(environment));
		Page<Agent> page = this.registry.list(filter, blankToNull(cursor), PAGE_SIZE);
		AgentCounts counts = this.registry.counts(ConsoleAccess.seesEveryAgent(me) ? null : listedOwner);
		model.addAttribute("title", "Agents");
		model.addAttribute("counts", counts);
		model.addAttribute("riskLevels", List.of(RiskLevel.values()));
		model.addAttribute("environments", List.of(Environment.values()));
		model.addAttribute("agents", page.items().stream().map(AgentRow::of).toList());
		model.addAttribute("seesEveryAgent", ConsoleAccess.seesEveryAgent(me));
		model.addAttribute("owner", ConsoleAccess.seesEveryAgent(me) ? blankToNull(owner) : null);
		model.addAttribute("status", blankToNull(status));
		model.addAttribute("risk", blankToNull(risk));
		model.addAttribute("environment", blankToNull(environment));
		model.addAttribute("q", blankToNull(q));
		model.addAttribute("paged", cursor != null);
		model.addAttribute("firstUrl", url(owner, status, risk, environment, q, null));
		model.addAttribute("nextUrl",
				(page.nextCursor() != null) ? url(owner, status, risk, environment, q, page.nextCursor()) : null);
		return "console/inventory";
	}

	private static String url(String owner, String status, String risk, String environment, String q, String cursor) {
		UriComponentsBuilder builder = UriComponentsBuilder.fromPath("/console");
		param(builder, "owner", owner);
		param(builder, "status", status);
		param(builder, "risk", risk);
		param(builder, "environment", environment);
		param(builder, "q", q);
		param(builder, "cursor", cursor);
		return builder.encode().build().toUriString();
	}

	private static void param(UriComponentsBuilder builder, String name, String value) {
		if (StringUtils.hasText(value)) {
			builder.queryParam(name, value);
		}
	}

	private static String blankToNull(String value) {
		return StringUtils.hasText(value) ? value.strip() : null;
	}

	/** One line of the inventory. */
	record AgentRow(String id, String name, String owner, String team, String environment, String status, String risk,
			boolean derived) {

		static AgentRow of(Agent agent) {
			return new AgentRow(agent.id().toString(), agent.name(), agent.owner(), agent.profile().team(),
					(agent.profile().environment() != null) ? agent.profile().environment().value() : null,
					agent.status().value(), agent.riskLevel().value(), agent.isDerived());
		}

	}

}
