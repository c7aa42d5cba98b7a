package dev.agentidp.console;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.approvals.ApprovalFilter;
import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.ApprovalRequest;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.approvals.Approver;
import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.Page;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The approvers' queue ({@code /console/approvals}, issue 19, item 3): the pending
 * requests the signed-in person may decide (those of agents whose
 * {@code humanOversight.approvers} lists a role they hold as {@code approver:<role>},
 * and, when the agent named one approver by {@code login_hint}, only that person's), with
 * the agent, its owner and risk, the binding message, the authorization details as a
 * table, and when it expires; Approve and Deny with a comment call
 * {@link Approvals#decide}, which audits the decision with the person as actor. The
 * facade's refusals (separation of duties, decided already, expired, not entitled) are
 * audited by it and answered by {@link ConsoleModel} as the 403 or 409 page naming why.
 * An admin sees every pending request, read-only unless they hold an approver role too.
 */
@Controller
class ApprovalsPageController {

	private final Approvals approvals;

	private final AgentRegistry registry;

	ApprovalsPageController(Approvals approvals, AgentRegistry registry) {
		Assert.notNull(approvals, "approvals cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		this.approvals = approvals;
		this.registry = registry;
	}

	@GetMapping("/console/approvals")
	String queue(@RequestParam(required = false) String cursor, Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		Approver approver = ConsoleAccess.approver(me);
		// an administrator sees the whole queue; an approver what they may decide
		ApprovalFilter filter = (me.isAdmin() || approver == null) ? ApprovalFilter.PENDING
				: ApprovalFilter.PENDING.decidableBy(approver);
		Page<ApprovalRequest> page = this.approvals.pending(filter,
				AgentRegistrationController.text("cursor", cursor, 512), Page.MAX_LIMIT);
		Map<AgentId, Optional<Agent>> agents = new HashMap<>();
		Instant now = this.registry.now();
		List<Row> rows = page.items()
			.stream()
			.filter((request) -> me.isAdmin() || mayDecide(approver, request))
			.map((request) -> Row.of(request, agents.computeIfAbsent(request.agentId(), this.registry::findAgent),
					approver != null && mayDecide(approver, request), me.email(), now))
			.toList();
		model.addAttribute("title", "Approvals");
		model.addAttribute("requests", rows);
		model.addAttribute("readOnly", approver == null);
		model.addAttribute("nextCursor", page.nextCursor());
		return "console/approvals";
	}

	@PostMapping("/console/approvals/{id}")
	String decide(@PathVariable String id, @RequestParam(required = false) String verdict,
			@RequestParam(required = false) String comment, RedirectAttributes redirect) {
		SignedInPerson me = ConsoleModel.signedIn();
		Approver approver = ConsoleAccess.approver(me);
		if (approver == null) {
			// the security chain lets only approvers post here; this is its second line
			throw new ConsoleDeniedException(null, "holds no approver role");
		}
		ApprovalId approvalId = approvalId(id);
		Approvals.Verdict decision = verdict(verdict);
		ApprovalRequest decided = this.approvals.decide(approvalId, approver, decision,
				AgentRegistrationController.text("comment", comment, Approvals.MAX_COMMENT, true));
		redirect.addFlashAttribute("message", ((decision == Approvals.Verdict.APPROVE) ? "Approved" : "Denied")
				+ " the request " + decided.id() + " of agent " + decided.agentId() + ".");
		return "redirect:/console/approvals";
	}

	/**
	 * Whether the queue offers the request to this approver: they hold one of its roles,
	 * and it named no one else. Separation of duties is the facade's to refuse, naming
	 * why, so the owner sees their agent's request and is told.
	 */
	private static boolean mayDecide(Approver approver, ApprovalRequest request) {
		return approver != null && approver.holdsOneOf(request.approverRoles())
				&& (request.loginHint() == null || request.loginHint().equalsIgnoreCase(approver.email()));
	}

	private static ApprovalId approvalId(String id) {
		try {
			return ApprovalId.of(id);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("id", "must be an approval request id (a UUID)");
		}
	}

	private static Approvals.Verdict verdict(String verdict) {
		if ("approve".equals(verdict)) {
			return Approvals.Verdict.APPROVE;
		}
		if ("deny".equals(verdict)) {
			return Approvals.Verdict.DENY;
		}
		throw new InvalidInputException("verdict", "must be approve or deny");
	}

	/** One pending request as the queue shows it. */
	record Row(String id, String agentId, String agentName, String owner, String risk, String bindingMessage,
			String scopes, List<Detail> details, String approverRoles, String loginHint, String createdAt,
			String expiresAt, String expiresIn, boolean mayDecide, boolean ownAgent) {

		static Row of(ApprovalRequest request, Optional<Agent> agent, boolean mayDecide, String email, Instant now) {
			long seconds = Math.max(0, Duration.between(now, request.expiresAt()).getSeconds());
			return new Row(request.id().toString(), request.agentId().toString(), agent.map(Agent::name).orElse(null),
					request.owner(), agent.map((a) -> a.riskLevel().value()).orElse(null), request.bindingMessage(),
					String.join(" ", request.scopes()), request.details().stream().map(Detail::of).toList(),
					String.join(", ", request.approverRoles().stream().map((r) -> Approver.ROLE_PREFIX + r).toList()),
					request.loginHint(), ConsoleTimes.text(request.createdAt()), ConsoleTimes.text(request.expiresAt()),
					(seconds / 60) + " min " + (seconds % 60) + " s", mayDecide,
					email != null && email.equalsIgnoreCase(request.owner()));
		}

	}

	/**
	 * One authorization details entry (RFC 9396 §2, type {@code tool_call}), readable.
	 */
	record Detail(String tool, String action, String target, String cost, String arguments) {

		static Detail of(AuthorizationDetail detail) {
			BigDecimal cost = detail.cost();
			return new Detail(detail.tool(), detail.action(), (detail.target() != null) ? detail.target() : "any",
					(cost != null) ? "up to " + cost.toPlainString() : "any", detail.arguments());
		}

	}

}
