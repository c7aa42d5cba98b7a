package dev.agentidp.console;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.TokenService;

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
 * The tokens page ({@code /console/tokens}): search by jti (any state), task or agent
 * (live tokens), and revoke one with its cascade preview ("this revokes 1 + 37 derived
 * tokens", counted from the token store's parent jti) and a confirm step, through
 * {@link TokenService#revokeByJti} as the admin API's revocation, audited
 * ({@code token.revoked}) with the person as actor. An owner sees and revokes the tokens
 * of their own agents only; a token of another owner's agent is refused (403, audited on
 * that agent's chain); a token that no agent holds is an admin's or an auditor's to see.
 */
@Controller
class TokensController {

	private final TokenService tokens;

	private final AgentRegistry registry;

	TokensController(TokenService tokens, AgentRegistry registry) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		this.tokens = tokens;
		this.registry = registry;
	}

	@GetMapping("/console/tokens")
	String search(@RequestParam(required = false) String jti, @RequestParam(required = false) String task,
			@RequestParam(required = false) String agent, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		String jtiText = AgentRegistrationController.text("jti", jti, Jti.MAX_LENGTH);
		String taskText = AgentRegistrationController.text("task", task, 128);
		String agentText = AgentRegistrationController.text("agent", agent, 36);
		List<TokenRecord> found = List.of();
		boolean searched = jtiText != null || taskText != null || agentText != null;
		if (jtiText != null) {
			found = this.tokens.findToken(Jti.of(jtiText)).map(List::of).orElse(List.of());
		}
		else if (taskText != null) {
			found = this.tokens.liveTokensOfTask(taskText);
		}
		else if (agentText != null) {
			found = this.tokens.liveTokens(agentId(agentText));
		}
		Map<AgentId, Optional<Agent>> agents = new HashMap<>();
		Instant now = this.registry.now();
		List<Row> rows = found.stream()
			.filter((token) -> ConsoleAccess.maySeeToken(me, owner(token, agents)))
			.map((token) -> Row.of(token, now, ConsoleAccess.mayChangeToken(me, owner(token, agents))))
			.toList();
		model.addAttribute("title", "Tokens");
		model.addAttribute("jti", jtiText);
		model.addAttribute("task", taskText);
		model.addAttribute("agent", agentText);
		model.addAttribute("searched", searched);
		model.addAttribute("tokens", rows);
		return "console/tokens";
	}

	/** The confirm step: what revoking the token revokes, before it does. */
	@GetMapping("/console/tokens/{jti}/revoke")
	String confirm(@PathVariable String jti, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		TokenRecord token = revocable(me, jti);
		Instant now = this.registry.now();
		boolean live = token.liveAt(now);
		long derived = this.tokens.liveDerivedCount(token.jti());
		model.addAttribute("title", "Revoke a token");
		model.addAttribute("token", Row.of(token, now, true));
		model.addAttribute("self", live ? 1 : 0);
		model.addAttribute("derived", derived);
		model.addAttribute("preview", "This revokes " + (live ? 1 : 0) + " + " + derived + " derived tokens.");
		return "console/token-revoke";
	}

	@PostMapping("/console/tokens/{jti}/revoke")
	String revoke(@PathVariable String jti, @RequestParam(required = false) String reason,
			RedirectAttributes redirect) {
		SignedInPerson me = ConsoleModel.signedIn();
		TokenRecord token = revocable(me, jti);
		int revoked = this.tokens.revokeByJti(token.jti(), me.actor(),
				AgentRegistrationController.text("reason", reason, 512));
		redirect.addFlashAttribute("message", "Revoked " + revoked + " tokens (the token and those derived from it).");
		return "redirect:/console/tokens?jti=" + token.jti().value();
	}

	private TokenRecord revocable(SignedInPerson me, String jti) {
		TokenRecord token = Jti.parse(jti)
			.flatMap(this.tokens::findToken)
			.orElseThrow(() -> new InvalidInputException("jti", "is not a token this provider holds"));
		Optional<Agent> agent = agent(token);
		String owner = agent.map(Agent::owner).orElse(null);
		if (!ConsoleAccess.mayChangeToken(me, owner)) {
			throw new ConsoleDeniedException(agent.map((a) -> a.id().toString()).orElse(null),
					ConsoleAccess.maySeeToken(me, owner) ? "read-only role" : "not the owner of this token's agent");
		}
		return token;
	}

	private Optional<Agent> agent(TokenRecord token) {
		AgentId agentId = token.holder().agentId();
		return (agentId != null) ? this.registry.findAgent(agentId) : Optional.empty();
	}

	private String owner(TokenRecord token, Map<AgentId, Optional<Agent>> agents) {
		AgentId agentId = token.holder().agentId();
		if (agentId == null) {
			return null;
		}
		return agents.computeIfAbsent(agentId, this.registry::findAgent).map(Agent::owner).orElse(null);
	}

	private static AgentId agentId(String text) {
		try {
			return AgentId.of(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("agent", "must be an agent id (a UUID)");
		}
	}

	/** One token as the page shows it. */
	record Row(String jti, String agentId, String clientId, String scopes, String task, int depth, String parentJti,
			String rootJti, String issuedAt, String expiresAt, String state, boolean mayRevoke) {

		static Row of(TokenRecord token, Instant now, boolean mayChange) {
			String state = (token.lifetime().revokedAt() != null) ? "revoked"
					: token.liveAt(now) ? "active" : "expired";
			return new Row(token.jti().value(),
					(token.holder().agentId() != null) ? token.holder().agentId().toString() : null,
					token.holder().clientId(), String.join(" ", token.scopes()), token.task(), token.family().depth(),
					(token.family().parentJti() != null) ? token.family().parentJti().value() : null,
					token.family().rootJti().value(), ConsoleTimes.text(token.lifetime().issuedAt()),
					ConsoleTimes.text(token.lifetime().expiresAt()), state, mayChange && "active".equals(state));
		}

	}

}
