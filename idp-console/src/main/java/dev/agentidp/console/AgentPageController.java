package dev.agentidp.console;

import java.time.Instant;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentRegistry;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * An agent's page ({@code /console/agents/{id}}): its identity document, keys and status,
 * with suspend and resume for those who may change it ({@link ConsoleAccess}); the
 * changes go through {@link AgentRegistry} as the admin API's do, audited with the person
 * as actor. Another owner's agent is refused (403, audited on that agent's chain).
 */
@Controller
class AgentPageController {

	private final AgentRegistry registry;

	AgentPageController(AgentRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		this.registry = registry;
	}

	@GetMapping("/console/agents/{id}")
	String agent(@PathVariable String id, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		Agent agent = visible(me, id);
		Instant now = this.registry.now();
		model.addAttribute("title", agent.name());
		model.addAttribute("agent", agent);
		model.addAttribute("profile", agent.profile());
		model.addAttribute("keys", agent.keys().stream().map((key) -> KeyRow.of(key, now)).toList());
		model.addAttribute("mayChange", ConsoleAccess.mayChange(me, agent.owner()));
		return "console/agent";
	}

	@PostMapping("/console/agents/{id}/suspend")
	String suspend(@PathVariable String id, @RequestParam(required = false) String reason,
			RedirectAttributes redirect) {
		Agent agent = changeable(ConsoleModel.signedIn(), id);
		this.registry.suspend(agent.id(), blankToNull(reason), ConsoleModel.signedIn().actor());
		redirect.addFlashAttribute("message", "Suspended. Its tokens and its sub-agents' tokens are revoked.");
		return "redirect:/console/agents/" + agent.id();
	}

	@PostMapping("/console/agents/{id}/resume")
	String resume(@PathVariable String id, @RequestParam(required = false) String reason, RedirectAttributes redirect) {
		Agent agent = changeable(ConsoleModel.signedIn(), id);
		this.registry.resume(agent.id(), blankToNull(reason), ConsoleModel.signedIn().actor());
		redirect.addFlashAttribute("message", "Resumed.");
		return "redirect:/console/agents/" + agent.id();
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

	private static String blankToNull(String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	/** One key as the page shows it: its status at the registry's time. */
	record KeyRow(String kid, String type, String status, Instant createdAt, Instant expiresAt) {

		static KeyRow of(AgentKey key, Instant now) {
			String type = key.jwk().getKeyType().getValue()
					+ ((key.jwk().toJSONObject().get("crv") != null) ? " " + key.jwk().toJSONObject().get("crv") : "");
			return new KeyRow(key.kid(), type, key.statusAt(now).value(), key.createdAt(), key.expiresAt());
		}

	}

}
