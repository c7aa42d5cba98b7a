package dev.agentidp.app.policy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.agentidp.audit.AuditPage;
import dev.agentidp.audit.AuditQuery;
import dev.agentidp.audit.InvalidAuditQueryException;
import dev.agentidp.policy.BudgetState;
import dev.agentidp.policy.PolicyDecisionPoint;
import dev.agentidp.registry.AgentId;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The policy decision point's admin API (docs/api.md): an agent's decisions (its
 * {@code access.evaluated} records, paged like the audit query) and a task's budget.
 * Reads need {@code idp:admin} or {@code idp:audit:read} (the admin security chain).
 */
@RestController
class PolicyAdminController {

	private static final Pattern TASK = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	private final PolicyDecisionPoint pdp;

	PolicyAdminController(PolicyDecisionPoint pdp) {
		this.pdp = pdp;
	}

	@GetMapping("/admin/v1/agents/{id}/decisions")
	Map<String, Object> decisions(@PathVariable String id, @RequestParam(required = false) String limit,
			@RequestParam(required = false) String cursor) {
		AuditPage page = this.pdp.decisions(agentId("id", id), AuditQuery.limit(limit), cursor(cursor));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("items", page.items().stream().map((record) -> record.toJson()).toList());
		body.put("nextCursor", page.nextCursor());
		return body;
	}

	@GetMapping("/admin/v1/budgets/{rootAgentId}/{task}")
	ResponseEntity<?> budget(@PathVariable String rootAgentId, @PathVariable String task, HttpServletRequest request) {
		AgentId root = agentId("rootAgentId", rootAgentId);
		if (!TASK.matcher(task).matches()) {
			throw new InvalidAuditQueryException("task", "task must be 1-128 characters of [A-Za-z0-9._:-]");
		}
		return this.pdp.budget(root, task)
			.<ResponseEntity<?>>map((state) -> ResponseEntity.ok(body(root, task, state)))
			.orElseGet(() -> {
				ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
						"No budget has been spent for task " + task + " of agent " + root);
				problem.setInstance(URI.create(request.getRequestURI()));
				return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
			});
	}

	@ExceptionHandler(InvalidAuditQueryException.class)
	ProblemDetail invalidParameter(InvalidAuditQueryException ex, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid parameter");
		problem.setInstance(URI.create(request.getRequestURI()));
		problem.setProperty("parameter", ex.getParameter());
		return problem;
	}

	private static Map<String, Object> body(AgentId root, String task, BudgetState state) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("rootAgentId", root.toString());
		body.put("task", task);
		body.put("unit", state.unit());
		body.put("limit", state.limit());
		body.put("spent", state.spent());
		body.put("remaining", state.remaining());
		return body;
	}

	private static AgentId agentId(String name, String value) {
		try {
			if (value.length() == 36) {
				return AgentId.of(value);
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below
		}
		throw new InvalidAuditQueryException(name, name + " must be a UUID");
	}

	private static String cursor(String value) {
		if (value != null && (value.isEmpty() || value.length() > 256)) {
			throw new InvalidAuditQueryException("cursor", "cursor must have 1 to 256 characters");
		}
		return value;
	}

}
