package dev.agentidp.app.approvals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.approvals.ApprovalFilter;
import dev.agentidp.approvals.ApprovalRequest;
import dev.agentidp.approvals.ApprovalStatus;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.Page;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/v1/approvals}: the approval requests, oldest first, paged like the
 * other lists ({@code cursor}, {@code limit}); {@code status} ({@code pending},
 * {@code approved}, {@code denied}, {@code expired}) and {@code agentId} filter them
 * (docs/api.md, docs/approvals.md). Never the {@code auth_req_id}.
 */
@RestController
class ApprovalController {

	private final Approvals approvals;

	ApprovalController(Approvals approvals) {
		this.approvals = approvals;
	}

	@GetMapping("/admin/v1/approvals")
	Map<String, Object> list(@RequestParam(required = false) String status,
			@RequestParam(required = false) String agentId, @RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "50") int limit) {
		Page<ApprovalRequest> page = this.approvals.pending(new ApprovalFilter(status(status), agentId(agentId)),
				cursor, limit);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("items", page.items().stream().map(ApprovalView::of).toList());
		body.put("nextCursor", page.nextCursor());
		return body;
	}

	private static ApprovalStatus status(String status) {
		if (status == null) {
			return null;
		}
		try {
			return ApprovalStatus.of(status);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("status", ex.getMessage());
		}
	}

	private static AgentId agentId(String agentId) {
		if (agentId == null) {
			return null;
		}
		try {
			return AgentId.of(agentId);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("agentId", "must be a UUID");
		}
	}

	/**
	 * An approval request as the admin API shows it.
	 *
	 * @param id its id
	 * @param agentId the agent
	 * @param owner the agent's owner
	 * @param status where it stands
	 * @param scopes the scopes asked for
	 * @param authorizationDetails what is to be approved
	 * @param bindingMessage the binding message, or {@code null}
	 * @param loginHint the approver named, or {@code null}
	 * @param approverRoles the roles that may decide
	 * @param createdAt when it was asked
	 * @param expiresAt when it expires
	 * @param decidedBy who decided, or {@code null}
	 * @param decidedAt when, or {@code null}
	 * @param comment their comment, or {@code null}
	 * @param uses the allowed decisions it has served
	 */
	record ApprovalView(String id, String agentId, String owner, String status, List<String> scopes,
			List<Map<String, Object>> authorizationDetails, String bindingMessage, String loginHint,
			List<String> approverRoles, Instant createdAt, Instant expiresAt, String decidedBy, Instant decidedAt,
			String comment, int uses) {

		static ApprovalView of(ApprovalRequest request) {
			ApprovalRequest.Decided decision = request.decision();
			return new ApprovalView(request.id().toString(), request.agentId().toString(), request.owner(),
					request.status().value(), request.scopes().stream().sorted().toList(),
					AuthorizationDetail.claim(request.details()), request.bindingMessage(), request.loginHint(),
					request.approverRoles(), request.createdAt(), request.expiresAt(),
					(decision != null) ? decision.by() : null, (decision != null) ? decision.at() : null,
					(decision != null) ? decision.comment() : null, request.uses());
		}

	}

}
