package dev.agentidp.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.agentidp.anomalies.Anomalies;
import dev.agentidp.anomalies.Anomaly;
import dev.agentidp.audit.AuditBusyException;
import dev.agentidp.audit.AuditPage;
import dev.agentidp.audit.AuditQuery;
import dev.agentidp.audit.AuditRecord;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.AuditVerification;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.InvalidAuditQueryException;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentRegistration;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentVersion;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.IllegalAgentStateException;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.KeyStatus;
import dev.agentidp.registry.NewKey;
import dev.agentidp.registry.Page;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.Sensitivity;
import dev.agentidp.registry.Tool;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.TokenService;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * An agent's page ({@code /console/agents/{id}}): its identity document, status, version
 * history with a field-by-field diff between any two versions ({@link VersionDiff}), keys
 * (add, rotate, retire with a grace period), live tokens (revoke all; one through the
 * tokens page's confirm step), the sub-agent tree, the blast radius, and its audit chain
 * (paged, filtered by action and decision) with "verify this chain". Every change goes
 * through the service the admin API uses ({@link AgentRegistry}, {@link TokenService},
 * {@link Anomalies} for its anomalies and clearing a pending step-up), which audits it
 * with the person as actor, and only for those who may change the agent
 * ({@link ConsoleAccess}); another owner's agent is refused (403, audited on that agent's
 * chain).
 */
@Controller
class AgentPageController {

	static final int VERSIONS_SHOWN = 20;

	static final int AUDIT_PAGE_SIZE = 20;

	static final int TOKENS_SHOWN = 100;

	/** The sub-agent tree shows at most this many agents (the rest are counted). */
	static final int TREE_LIMIT = 200;

	/** The newest anomalies shown. */
	static final int ANOMALIES_SHOWN = 50;

	/** A grace period of at most a year (the registry's own bound). */
	static final long MAX_GRACE_SECONDS = 366L * 24 * 3600;

	private final AgentRegistry registry;

	private final TokenService tokens;

	private final AuditTrail trail;

	private final TransactionTemplate transactions;

	private final Anomalies anomalies;

	AgentPageController(AgentRegistry registry, TokenService tokens, AuditTrail trail,
			PlatformTransactionManager transactionManager, Anomalies anomalies) {
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(trail, "trail cannot be null");
		Assert.notNull(transactionManager, "transactionManager cannot be null");
		Assert.notNull(anomalies, "anomalies cannot be null");
		this.registry = registry;
		this.tokens = tokens;
		this.trail = trail;
		this.transactions = new TransactionTemplate(transactionManager);
		this.anomalies = anomalies;
	}

	@GetMapping("/console/agents/{id}")
	String agent(@PathVariable String id, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String action,
			@RequestParam(required = false) String decision, @RequestParam(required = false) String audit,
			@RequestParam(required = false) String verify, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = visible(me, id);
		Instant now = this.registry.now();
		model.addAttribute("title", agent.name());
		model.addAttribute("agent", agent);
		model.addAttribute("profile", agent.profile());
		model.addAttribute("keys", agent.keys().stream().map((key) -> KeyRow.of(key, now)).toList());
		model.addAttribute("mayChange", ConsoleAccess.mayChange(me, agent.owner()));
		versions(agent, from, to, model);
		List<TokenRecord> live = this.tokens.liveTokens(agent.id());
		model.addAttribute("liveTokenCount", live.size());
		model.addAttribute("liveTokens", live.stream().limit(TOKENS_SHOWN).map(TokenRow::of).toList());
		List<Agent> tree = subAgents(agent);
		model.addAttribute("tree", TreeNode.of(agent, tree));
		model.addAttribute("treeTruncated", tree.size() >= TREE_LIMIT);
		model.addAttribute("blast", BlastRadius.of(agent, tree));
		model.addAttribute("anomalies",
				this.anomalies.list(agent.id(), ANOMALIES_SHOWN).stream().map(AnomalyRow::of).toList());
		auditChain(agent, action, decision, audit, model);
		if (StringUtils.hasText(verify)) {
			model.addAttribute("verification", verification(agent));
		}
		return "console/agent";
	}

	@PostMapping("/console/agents/{id}/suspend")
	String suspend(@PathVariable String id, @RequestParam(required = false) String reason,
			RedirectAttributes redirect) {
		Agent agent = changeable(ConsoleModel.signedIn(), id);
		this.registry.suspend(agent.id(), reason(reason), ConsoleModel.signedIn().actor());
		redirect.addFlashAttribute("message", "Suspended. Its tokens and its sub-agents' tokens are revoked.");
		return "redirect:/console/agents/" + agent.id();
	}

	@PostMapping("/console/agents/{id}/resume")
	String resume(@PathVariable String id, @RequestParam(required = false) String reason, RedirectAttributes redirect) {
		Agent agent = changeable(ConsoleModel.signedIn(), id);
		this.registry.resume(agent.id(), reason(reason), ConsoleModel.signedIn().actor());
		redirect.addFlashAttribute("message", "Resumed.");
		return "redirect:/console/agents/" + agent.id();
	}

	/** A new key: a public JWK, or an Ed25519 pair whose private part is shown once. */
	@PostMapping("/console/agents/{id}/keys")
	String addKey(@PathVariable String id, @RequestParam(required = false) String jwk, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = changeable(me, id);
		NewKey newKey;
		if (StringUtils.hasText(jwk)) {
			AgentRegistrationController.text("jwk", jwk, 8192);
			newKey = NewKey.parse(jwk.strip());
		}
		else {
			newKey = NewKey.generate();
		}
		AgentRegistration added = this.registry.addKey(agent.id(), newKey, me.actor());
		return keyAdded(added, agent, null, model);
	}

	/**
	 * Rotation of an active key: an Ed25519 pair generated and added, then the old key
	 * retired with the grace period given (still usable until it ends, so that the agent
	 * can switch), through the registry as the admin API's two calls are, each audited,
	 * in one transaction: a refused retirement adds no key.
	 */
	@PostMapping("/console/agents/{id}/keys/{kid}/rotate")
	String rotateKey(@PathVariable String id, @PathVariable String kid, @RequestParam(required = false) String grace,
			Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = changeable(me, id);
		long graceSeconds = graceSeconds(grace);
		AgentKey old = agent.keys()
			.stream()
			.filter((key) -> key.kid().equals(kid))
			.findFirst()
			.orElseThrow(() -> new InvalidInputException("kid", "is not a key of this agent"));
		if (old.statusAt(this.registry.now()) != KeyStatus.ACTIVE) {
			throw new IllegalAgentStateException("key " + kid + " is not active: only an active key is rotated");
		}
		AgentRegistration added = this.transactions.execute((status) -> {
			AgentRegistration registration = this.registry.addKey(agent.id(), NewKey.generate(), me.actor());
			this.registry.retireKey(agent.id(), kid, graceSeconds, false, me.actor());
			return registration;
		});
		return keyAdded(added, agent, kid, model);
	}

	@PostMapping("/console/agents/{id}/keys/{kid}/retire")
	String retireKey(@PathVariable String id, @PathVariable String kid, @RequestParam(required = false) String grace,
			@RequestParam(required = false) String revokeTokens, RedirectAttributes redirect) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = changeable(me, id);
		long graceSeconds = graceSeconds(grace);
		this.registry.retireKey(agent.id(), kid, graceSeconds, StringUtils.hasText(revokeTokens), me.actor());
		redirect.addFlashAttribute("message", (graceSeconds == 0) ? "Key " + kid + " is revoked."
				: "Key " + kid + " is retiring: usable for " + graceSeconds + " more seconds.");
		return "redirect:/console/agents/" + agent.id();
	}

	@PostMapping("/console/agents/{id}/tokens/revoke")
	String revokeAllTokens(@PathVariable String id, @RequestParam(required = false) String reason,
			RedirectAttributes redirect) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = changeable(me, id);
		int revoked = this.tokens.revokeByAgent(agent.id(), me.actor(), reason(reason));
		redirect.addFlashAttribute("message", "Revoked " + revoked + " tokens, derived tokens included.");
		return "redirect:/console/agents/" + agent.id();
	}

	/**
	 * Clears an anomaly (docs/signals.md "Reactions": a {@code step_up} stops the agent's
	 * calls until a person clears it), for an admin or the agent's owner, through
	 * {@link Anomalies#clear} as the admin API's clear, which audits it
	 * ({@code anomaly.cleared}); a refused clear (no such anomaly, cleared already)
	 * changes nothing and is recorded by the facade as {@value Anomalies#CLEAR_REFUSED}
	 * on the agent's chain.
	 */
	@PostMapping("/console/agents/{id}/anomalies/{anomalyId}/clear")
	String clearAnomaly(@PathVariable String id, @PathVariable String anomalyId,
			@RequestParam(required = false) String reason, HttpServletRequest request, RedirectAttributes redirect) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = changeable(me, id);
		java.util.UUID anomaly = Anomalies.anomalyId(anomalyId);
		String why = AgentRegistrationController.text("reason", reason, 500);
		this.anomalies.clear(agent.id(), anomaly, me.actor(), why, RequestSource.of(request.getRemoteAddr()));
		redirect.addFlashAttribute("message", "Anomaly " + anomaly + " is cleared.");
		return "redirect:/console/agents/" + agent.id();
	}

	/** A bad audit filter or cursor: 400 naming it, as the registry's bad input is. */
	@ExceptionHandler(InvalidAuditQueryException.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String invalidAuditQuery(InvalidAuditQueryException ex, Model model) {
		model.addAttribute("me", ConsoleModel.signedIn());
		model.addAttribute("status", HttpStatus.BAD_REQUEST.value());
		model.addAttribute("title", HttpStatus.BAD_REQUEST.getReasonPhrase());
		model.addAttribute("message", ex.getMessage());
		return "console/error";
	}

	private String keyAdded(AgentRegistration added, Agent agent, String retired, Model model) {
		Set<String> before = new LinkedHashSet<>(agent.keys().stream().map(AgentKey::kid).toList());
		String kid = added.agent()
			.keys()
			.stream()
			.map(AgentKey::kid)
			.filter((k) -> !before.contains(k))
			.findFirst()
			.orElse(null);
		model.addAttribute("title", "Key added");
		model.addAttribute("agent", added.agent());
		model.addAttribute("kid", kid);
		model.addAttribute("retired", retired);
		model.addAttribute("privateJwk", (added.privateJwk() != null)
				? JSONObjectUtils.toJSONString(new LinkedHashMap<>(added.privateJwk())) : null);
		return "console/key-added";
	}

	private void versions(Agent agent, String from, String to, Model model) {
		Page<AgentVersion> page = this.registry.versions(agent.id(), null, VERSIONS_SHOWN);
		model.addAttribute("versions", page.items().stream().map(VersionRow::of).toList());
		model.addAttribute("versionNumbers", versionNumbers(agent.version()));
		long toVersion = (to != null) ? version("to", to, agent) : agent.version();
		long fromVersion = (from != null) ? version("from", from, agent) : Math.max(1, toVersion - 1);
		model.addAttribute("diffFrom", fromVersion);
		model.addAttribute("diffTo", toVersion);
		if (from != null || to != null || agent.version() > 1) {
			AgentVersion a = this.registry.version(agent.id(), fromVersion)
				.orElseThrow(() -> new InvalidInputException("from", "is not a version of this agent"));
			AgentVersion b = this.registry.version(agent.id(), toVersion)
				.orElseThrow(() -> new InvalidInputException("to", "is not a version of this agent"));
			model.addAttribute("diff", VersionDiff.between(a, b));
		}
	}

	private static List<Long> versionNumbers(long current) {
		List<Long> numbers = new ArrayList<>();
		// the selects offer the last 200 versions; any other is reachable by its number
		for (long v = current; v >= 1 && numbers.size() < 200; v--) {
			numbers.add(v);
		}
		return numbers;
	}

	private static long version(String field, String value, Agent agent) {
		try {
			long version = Long.parseLong(value.strip());
			if (version >= 1 && version <= agent.version()) {
				return version;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidInputException(field, "must be a version of this agent, 1 to " + agent.version());
	}

	private List<Agent> subAgents(Agent agent) {
		List<Agent> below = new ArrayList<>();
		for (AgentId subAgentId : this.registry.subAgentIds(agent.id())) {
			if (below.size() >= TREE_LIMIT) {
				break;
			}
			this.registry.findAgent(subAgentId).ifPresent(below::add);
		}
		return below;
	}

	private void auditChain(Agent agent, String action, String decision, String cursor, Model model) {
		String actionFilter = AgentRegistrationController.text("action", action, 128);
		Decision decisionFilter = null;
		if (StringUtils.hasText(decision)) {
			decisionFilter = switch (decision.strip()) {
				case "allow" -> Decision.ALLOW;
				case "deny" -> Decision.DENY;
				default -> throw new InvalidInputException("decision", "must be one of allow|deny");
			};
		}
		AuditPage page = this.trail.find(new AuditQuery(agent.id().toString(), null, actionFilter, decisionFilter, null,
				null, AUDIT_PAGE_SIZE, StringUtils.hasText(cursor) ? cursor.strip() : null));
		model.addAttribute("auditRecords", page.items().stream().map(AuditRow::of).toList());
		model.addAttribute("auditAction", actionFilter);
		model.addAttribute("auditDecision", (decisionFilter != null) ? decisionFilter.value() : null);
		model.addAttribute("auditNext", page.nextCursor());
		model.addAttribute("auditPaged", StringUtils.hasText(cursor));
	}

	private String verification(Agent agent) {
		try {
			AuditVerification result = this.trail.verify(agent.id().toString());
			if (result instanceof AuditVerification.Valid valid) {
				return "Verified: the chain is intact (" + valid.records() + " records).";
			}
			AuditVerification.Broken broken = (AuditVerification.Broken) result;
			return "Broken" + ((broken.seq() != null) ? " at record " + broken.seq() : "") + ": " + broken.reason();
		}
		catch (AuditBusyException ex) {
			return "Not verified: another verification or export is running on this node; try again shortly.";
		}
	}

	private Agent visible(SignedInPerson me, String id) {
		Agent agent = find(id);
		if (!ConsoleAccess.maySee(me, agent.owner())) {
			throw new ConsoleDeniedException(agent.id().toString(), "not the owner of this agent");
		}
		return agent;
	}

	private Agent changeable(SignedInPerson me, String id) {
		Agent agent = find(id);
		if (!ConsoleAccess.mayChange(me, agent.owner())) {
			throw new ConsoleDeniedException(agent.id().toString(),
					ConsoleAccess.maySee(me, agent.owner()) ? "read-only role" : "not the owner of this agent");
		}
		return agent;
	}

	private Agent find(String id) {
		AgentId agentId;
		try {
			agentId = AgentId.of(id);
		}
		catch (IllegalArgumentException ex) {
			throw new NoSuchAgentException();
		}
		return this.registry.findAgent(agentId).orElseThrow(NoSuchAgentException::new);
	}

	private static long graceSeconds(String grace) {
		if (!StringUtils.hasText(grace)) {
			return 0;
		}
		try {
			long seconds = Long.parseLong(grace.strip());
			if (seconds >= 0 && seconds <= MAX_GRACE_SECONDS) {
				return seconds;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidInputException("grace", "must be a number of seconds from 0 to " + MAX_GRACE_SECONDS);
	}

	private static String reason(String reason) {
		return AgentRegistrationController.text("reason", reason, 512);
	}

	/**
	 * One anomaly as the page shows it: the evidence as {@code name=value} pairs in the
	 * order recorded.
	 */
	record AnomalyRow(String id, String rule, String reaction, String summary, String evidence, String detectedAt,
			boolean pending, String clearedAt, String clearedBy, String clearReason) {

		static AnomalyRow of(Anomaly anomaly) {
			StringBuilder evidence = new StringBuilder();
			anomaly.evidence().forEach((name, value) -> {
				if (!evidence.isEmpty()) {
					evidence.append(", ");
				}
				evidence.append(name).append('=').append(value);
			});
			return new AnomalyRow(anomaly.id().toString(), anomaly.rule().value(), anomaly.reaction().value(),
					anomaly.summary(), evidence.toString(), ConsoleTimes.text(anomaly.detectedAt()), anomaly.pending(),
					ConsoleTimes.text(anomaly.clearedAt()), anomaly.clearedBy(), anomaly.clearReason());
		}

	}

	/** One key as the page shows it: its status at the registry's time. */
	record KeyRow(String kid, String type, String status, String createdAt, String expiresAt) {

		static KeyRow of(AgentKey key, Instant now) {
			String type = key.jwk().getKeyType().getValue()
					+ ((key.jwk().toJSONObject().get("crv") != null) ? " " + key.jwk().toJSONObject().get("crv") : "");
			return new KeyRow(key.kid(), type, key.statusAt(now).value(), ConsoleTimes.text(key.createdAt()),
					ConsoleTimes.text(key.expiresAt()));
		}

		public boolean usable() {
			return !"revoked".equals(this.status);
		}

		public boolean active() {
			return "active".equals(this.status);
		}

	}

	/** One version in the history. */
	record VersionRow(long version, String status, String risk, String updatedAt) {

		static VersionRow of(AgentVersion version) {
			return new VersionRow(version.version(), version.status().value(), version.riskLevel().value(),
					ConsoleTimes.text(version.updatedAt()));
		}

	}

	/** One live token of the agent. */
	record TokenRow(String jti, String scopes, String task, int depth, String issuedAt, String expiresAt) {

		static TokenRow of(TokenRecord token) {
			return new TokenRow(token.jti().value(), String.join(" ", token.scopes()), token.task(),
					token.family().depth(), ConsoleTimes.text(token.lifetime().issuedAt()),
					ConsoleTimes.text(token.lifetime().expiresAt()));
		}

	}

	/** One record of the agent's audit chain. */
	record AuditRow(long seq, String occurredAt, String actor, String action, String target, String decision,
			String reason) {

		static AuditRow of(AuditRecord record) {
			return new AuditRow(record.seq(), record.occurredAtText(), record.actor(), record.action(), record.target(),
					record.decision().value(), record.reason());
		}

	}

	/** A node of the sub-agent tree: the agent, its status and scopes, its children. */
	record TreeNode(String id, String name, String status, String scopes, List<TreeNode> children) {

		static TreeNode of(Agent root, List<Agent> below) {
			Map<AgentId, List<Agent>> byParent = new HashMap<>();
			for (Agent agent : below) {
				byParent.computeIfAbsent(agent.parentId(), (k) -> new ArrayList<>()).add(agent);
			}
			return node(root, byParent, 0);
		}

		private static TreeNode node(Agent agent, Map<AgentId, List<Agent>> byParent, int depth) {
			List<TreeNode> children = (depth < 64) ? byParent.getOrDefault(agent.id(), List.of())
				.stream()
				.map((child) -> node(child, byParent, depth + 1))
				.toList() : List.of();
			return new TreeNode(agent.id().toString(), agent.name(), agent.status().value(),
					String.join(" ", agent.profile().scopes()), children);
		}

	}

	/**
	 * What the agent can reach (issue 18, "the blast radius"): its tools and their MCP
	 * servers, the data it touches with its sensitivity, its sub-agents, and which of
	 * them are high or critical (capabilities at high or critical risk, data confidential
	 * or restricted, sub-agents at high or critical risk).
	 */
	record BlastRadius(List<Tool> tools, List<String> mcpServers, List<DataAccess> data, List<String> sensitiveData,
			List<Capability> riskyCapabilities, int subAgents, List<String> riskySubAgents) {

		static BlastRadius of(Agent agent, List<Agent> below) {
			List<Tool> tools = agent.profile().tools();
			List<String> servers = tools.stream().map(Tool::mcpServer).filter((s) -> s != null).distinct().toList();
			List<DataAccess> data = agent.profile().dataAccess();
			List<String> sensitive = data.stream()
				.filter((d) -> d.sensitivity() == Sensitivity.CONFIDENTIAL || d.sensitivity() == Sensitivity.RESTRICTED)
				.map(DataAccess::resource)
				.toList();
			List<Capability> risky = agent.profile()
				.capabilities()
				.stream()
				.filter((c) -> c.riskLevel() == RiskLevel.HIGH || c.riskLevel() == RiskLevel.CRITICAL)
				.toList();
			List<String> riskySubAgents = below.stream()
				.filter((a) -> a.riskLevel() == RiskLevel.HIGH || a.riskLevel() == RiskLevel.CRITICAL)
				.map((a) -> a.name() + " (" + a.riskLevel().value() + ")")
				.toList();
			return new BlastRadius(tools, servers, data, sensitive, risky, below.size(), riskySubAgents);
		}

	}

}
