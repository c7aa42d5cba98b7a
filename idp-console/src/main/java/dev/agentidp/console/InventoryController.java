package dev.agentidp.console;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentCounts;
import dev.agentidp.registry.AgentFilter;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.Environment;
import dev.agentidp.registry.Page;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.tokens.TokenActivity;
import dev.agentidp.tokens.TokenService;
import jakarta.servlet.http.HttpServletResponse;

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
 * environment, a substring of the name), through the registry's keyset paging, each with
 * its last token issued, live tokens and sub-agents (two statements a page, whatever its
 * size: {@link TokenService#activityOf}, {@link AgentRegistry#subAgentCounts}); and the
 * same filtered list as CSV ({@code /console/agents.csv}), streamed 500 agents a page. An
 * owner sees only their own agents, whatever the filters say ({@link ConsoleAccess}).
 */
@Controller
class InventoryController {

	static final int PAGE_SIZE = 50;

	static final int CSV_PAGE_SIZE = Page.MAX_LIMIT;

	private final AgentRegistry registry;

	private final TokenService tokens;

	InventoryController(AgentRegistry registry, TokenService tokens) {
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(tokens, "tokens cannot be null");
		this.registry = registry;
		this.tokens = tokens;
	}

	@GetMapping({ "/console", "/console/" })
	String inventory(@RequestParam(required = false) String owner, @RequestParam(required = false) String status,
			@RequestParam(required = false) String risk, @RequestParam(required = false) String environment,
			@RequestParam(required = false) String q, @RequestParam(required = false) String cursor, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		if (!me.isAdmin() && !me.isOwner() && !me.isAuditor()) {
			// an approver and nothing else (the security chain lets no one else here)
			return "redirect:/console/approvals";
		}
		String listedOwner = ConsoleAccess.inventoryOwner(me, blankToNull(owner));
		AgentFilter filter = filter(me, owner, status, risk, environment, q);
		Page<Agent> page = this.registry.list(filter, blankToNull(cursor), PAGE_SIZE);
		AgentCounts counts = this.registry.counts(ConsoleAccess.seesEveryAgent(me) ? null : listedOwner);
		model.addAttribute("title", "Agents");
		model.addAttribute("counts", counts);
		model.addAttribute("riskLevels", List.of(RiskLevel.values()));
		model.addAttribute("environments", List.of(Environment.values()));
		model.addAttribute("agents", rows(page.items()));
		model.addAttribute("mayRegister", ConsoleAccess.mayRegister(me));
		model.addAttribute("csvUrl", url("/console/agents.csv", owner, status, risk, environment, q, null));
		model.addAttribute("seesEveryAgent", ConsoleAccess.seesEveryAgent(me));
		model.addAttribute("owner", ConsoleAccess.seesEveryAgent(me) ? blankToNull(owner) : null);
		model.addAttribute("status", blankToNull(status));
		model.addAttribute("risk", blankToNull(risk));
		model.addAttribute("environment", blankToNull(environment));
		model.addAttribute("q", blankToNull(q));
		model.addAttribute("paged", cursor != null);
		model.addAttribute("firstUrl", url("/console", owner, status, risk, environment, q, null));
		model.addAttribute("nextUrl", (page.nextCursor() != null)
				? url("/console", owner, status, risk, environment, q, page.nextCursor()) : null);
		return "console/inventory";
	}

	/**
	 * The filtered inventory as CSV, every page of it, written as it is read (500 agents
	 * and three statements at a time), each cell defused against CSV injection
	 * ({@link CsvCells}).
	 */
	@GetMapping("/console/agents.csv")
	void csv(@RequestParam(required = false) String owner, @RequestParam(required = false) String status,
			@RequestParam(required = false) String risk, @RequestParam(required = false) String environment,
			@RequestParam(required = false) String q, HttpServletResponse response) throws IOException {
		SignedInPerson me = ConsoleModel.signedIn();
		AgentFilter filter = filter(me, owner, status, risk, environment, q);
		response.setContentType("text/csv;charset=UTF-8");
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setHeader("Content-Disposition", "attachment; filename=\"agents.csv\"");
		Writer out = response.getWriter();
		out.write(CsvCells.line("id", "name", "owner", "team", "environment", "status", "risk", "parent",
				"last_token_issued", "active_tokens", "sub_agents", "created"));
		String cursor = null;
		do {
			Page<Agent> page = this.registry.list(filter, cursor, CSV_PAGE_SIZE);
			for (AgentRow row : rows(page.items())) {
				out.write(CsvCells.line(row.id(), row.name(), row.owner(), row.team(), row.environment(), row.status(),
						row.risk(), row.parentId(), text(row.lastTokenIssued()), Long.toString(row.activeTokens()),
						Long.toString(row.subAgents()), text(row.createdAt())));
			}
			out.flush();
			cursor = page.nextCursor();
		}
		while (cursor != null);
	}

	private AgentFilter filter(SignedInPerson me, String owner, String status, String risk, String environment,
			String q) {
		return AgentFilter.of(ConsoleAccess.inventoryOwner(me, blankToNull(owner)), blankToNull(status),
				blankToNull(risk), null, blankToNull(q), blankToNull(environment));
	}

	private List<AgentRow> rows(List<Agent> agents) {
		List<AgentId> ids = agents.stream().map(Agent::id).toList();
		Map<AgentId, TokenActivity> activity = this.tokens.activityOf(ids);
		Map<AgentId, Long> subAgents = this.registry.subAgentCounts(ids);
		return agents.stream()
			.map((agent) -> AgentRow.of(agent, activity.getOrDefault(agent.id(), TokenActivity.NONE),
					subAgents.getOrDefault(agent.id(), 0L)))
			.toList();
	}

	private static String text(Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	private static String url(String path, String owner, String status, String risk, String environment, String q,
			String cursor) {
		UriComponentsBuilder builder = UriComponentsBuilder.fromPath(path);
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
			String parentId, Instant lastTokenIssued, long activeTokens, long subAgents, Instant createdAt) {

		static AgentRow of(Agent agent, TokenActivity activity, long subAgents) {
			return new AgentRow(agent.id().toString(), agent.name(), agent.owner(), agent.profile().team(),
					(agent.profile().environment() != null) ? agent.profile().environment().value() : null,
					agent.status().value(), agent.riskLevel().value(),
					(agent.parentId() != null) ? agent.parentId().toString() : null, activity.lastIssuedAt(),
					activity.liveTokens(), subAgents, agent.createdAt());
		}

		public boolean derived() {
			return this.parentId != null;
		}

		public String lastTokenIssuedText() {
			return ConsoleTimes.text(this.lastTokenIssued);
		}

	}

}
