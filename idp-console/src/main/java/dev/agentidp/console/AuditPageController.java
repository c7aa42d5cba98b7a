package dev.agentidp.console;

import java.io.IOException;
import java.util.Map;

import dev.agentidp.audit.AuditBusyException;
import dev.agentidp.audit.AuditCheckpoint;
import dev.agentidp.audit.AuditPage;
import dev.agentidp.audit.AuditQuery;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.AuditVerification;
import dev.agentidp.audit.CheckpointSigner;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.InvalidAuditQueryException;
import dev.agentidp.registry.InvalidInputException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The audit page ({@code /console/audit}, issue 18 "Audit"), for admins and auditors only
 * ({@link ConsoleAccess#mayAudit}): a search of the trail ({@link AuditTrail#find},
 * newest first, 50 a page, keyset paging), the latest signed checkpoint and whether its
 * signature verifies, "verify all" run in the background with a page that refreshes
 * itself until the run ends ({@link AuditVerifications}; no script), and the JSON Lines
 * export streamed from {@link AuditTrail#export}. A verify or export while another runs
 * on this node is answered with the time to wait (429).
 */
@Controller
class AuditPageController {

	static final int PAGE_SIZE = 50;

	/** The session attribute holding the id of the person's latest verify run. */
	static final String RUN_ATTRIBUTE = AuditPageController.class.getName() + ".run";

	private static final int MAX_FIELD = 256;

	private final AuditTrail trail;

	private final AuditVerifications verifications;

	private final ObjectProvider<CheckpointSigner> signer;

	AuditPageController(AuditTrail trail, AuditVerifications verifications, ObjectProvider<CheckpointSigner> signer) {
		Assert.notNull(trail, "trail cannot be null");
		Assert.notNull(verifications, "verifications cannot be null");
		Assert.notNull(signer, "signer cannot be null");
		this.trail = trail;
		this.verifications = verifications;
		this.signer = signer;
	}

	@GetMapping("/console/audit")
	String audit(@RequestParam(required = false) String chain, @RequestParam(required = false) String actor,
			@RequestParam(required = false) String action, @RequestParam(required = false) String decision,
			@RequestParam(required = false) String cursor, Model model) {
		auditorOrAdmin();
		AuditQuery query = new AuditQuery(field("chain", chain), field("actor", actor), field("action", action),
				decision(decision), null, null, PAGE_SIZE, field("cursor", cursor));
		AuditPage page = this.trail.find(query);
		model.addAttribute("title", "Audit trail");
		model.addAttribute("records", page.items());
		model.addAttribute("chain", field("chain", chain));
		model.addAttribute("actor", field("actor", actor));
		model.addAttribute("action", field("action", action));
		model.addAttribute("decision", (query.decision() != null) ? query.decision().value() : null);
		model.addAttribute("paged", cursor != null);
		model.addAttribute("firstUrl", url(chain, actor, action, decision, null));
		model.addAttribute("nextUrl",
				(page.nextCursor() != null) ? url(chain, actor, action, decision, page.nextCursor()) : null);
		AuditCheckpoint checkpoint = this.trail.latestCheckpoint().orElse(null);
		model.addAttribute("checkpoint", checkpoint);
		model.addAttribute("signature", (checkpoint != null) ? signature(checkpoint) : null);
		return "console/audit";
	}

	@PostMapping("/console/audit/verify")
	String verify(HttpSession session) {
		SignedInPerson me = auditorOrAdmin();
		session.setAttribute(RUN_ATTRIBUTE, this.verifications.start(me.actor()));
		return "redirect:/console/audit/verify";
	}

	@GetMapping("/console/audit/verify")
	String verification(HttpSession session, Model model, HttpServletResponse response) {
		SignedInPerson me = auditorOrAdmin();
		AuditVerifications.Run run = this.verifications.find((String) session.getAttribute(RUN_ATTRIBUTE));
		if (run != null && !run.actor().equals(me.actor())) {
			run = null;
		}
		model.addAttribute("title", "Verify the audit trail");
		model.addAttribute("state", (run != null) ? run.state().name().toLowerCase() : "none");
		model.addAttribute("seconds", (run != null) ? run.seconds() : 0);
		if (run != null && run.state() == AuditVerifications.State.BUSY) {
			response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
			model.addAttribute("retryAfter", run.retryAfter().toSeconds());
		}
		if (run != null && run.result() instanceof AuditVerification.Valid valid) {
			model.addAttribute("valid", valid);
		}
		if (run != null && run.result() instanceof AuditVerification.Broken broken) {
			model.addAttribute("broken", broken);
		}
		return "console/audit-verify";
	}

	@GetMapping("/console/audit/export")
	void export(HttpServletResponse response) throws IOException {
		auditorOrAdmin();
		response.setStatus(HttpStatus.OK.value());
		response.setContentType("application/jsonl");
		response.setCharacterEncoding("UTF-8");
		response.setHeader("Content-Disposition", "attachment; filename=\"audit.jsonl\"");
		this.trail.export(null, response.getOutputStream());
		response.flushBuffer();
	}

	/**
	 * Another verify or export runs on this node: 429 (RFC 6585 §4) with
	 * {@code Retry-After} (RFC 9110 §10.2.3) and a page saying when to try again. An
	 * export's headers are cleared first: nothing was written yet.
	 */
	@ExceptionHandler(AuditBusyException.class)
	@ResponseStatus(HttpStatus.TOO_MANY_REQUESTS)
	String busy(AuditBusyException ex, HttpServletResponse response, Model model) {
		if (!response.isCommitted()) {
			response.reset();
		}
		response.setHeader("Retry-After", Long.toString(ex.retryAfter().toSeconds()));
		return ConsoleModel.error(model, HttpStatus.TOO_MANY_REQUESTS,
				"Another audit verification or export is running on this node. Try again in "
						+ ex.retryAfter().toSeconds() + " seconds.");
	}

	@ExceptionHandler(InvalidAuditQueryException.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String invalidQuery(InvalidAuditQueryException ex, Model model) {
		return ConsoleModel.error(model, HttpStatus.BAD_REQUEST, ex.getParameter() + ": " + ex.getMessage());
	}

	/** Whether the checkpoint's signature verifies with the provider's keys, in words. */
	private Map<String, Object> signature(AuditCheckpoint checkpoint) {
		CheckpointSigner verifier = this.signer.getIfAvailable();
		if (verifier == null) {
			return Map.of("ok", false, "text", "not checked: no checkpoint signer is configured");
		}
		try {
			verifier.verify(checkpoint.checkpoint());
			return Map.of("ok", true, "text", "verifies with the provider's signing key");
		}
		catch (IllegalArgumentException ex) {
			return Map.of("ok", false, "text", "does not verify: " + ex.getMessage());
		}
	}

	private static SignedInPerson auditorOrAdmin() {
		SignedInPerson me = ConsoleModel.signedIn();
		if (me == null || !ConsoleAccess.mayAudit(me)) {
			throw new ConsoleDeniedException(null, "no role for this page or action");
		}
		return me;
	}

	private static String field(String name, String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		if (value.length() > MAX_FIELD) {
			throw new InvalidInputException(name, "must be at most " + MAX_FIELD + " characters");
		}
		return value.strip();
	}

	private static Decision decision(String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		for (Decision decision : Decision.values()) {
			if (decision.value().equals(value)) {
				return decision;
			}
		}
		throw new InvalidInputException("decision", "must be allow or deny");
	}

	private static String url(String chain, String actor, String action, String decision, String cursor) {
		UriComponentsBuilder builder = UriComponentsBuilder.fromPath("/console/audit");
		param(builder, "chain", chain);
		param(builder, "actor", actor);
		param(builder, "action", action);
		param(builder, "decision", decision);
		param(builder, "cursor", cursor);
		return builder.encode().build().toUriString();
	}

	private static void param(UriComponentsBuilder builder, String name, String value) {
		if (StringUtils.hasText(value)) {
			builder.queryParam(name, value);
		}
	}

}
