package dev.agentidp.app.audit;

import java.io.IOException;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.audit.AuditBusyException;
import dev.agentidp.audit.AuditCheckpoint;
import dev.agentidp.audit.AuditCheckpointRefusedException;
import dev.agentidp.audit.AuditPage;
import dev.agentidp.audit.AuditQuery;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.AuditVerification;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.InvalidAuditQueryException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail's admin API (docs/audit.md "Contract"): query, verify, export and
 * checkpoints. Reads need {@code idp:admin} or {@code idp:audit:read}, creating a
 * checkpoint {@code idp:admin} (the admin security chain enforces both). Verify and
 * export run one at a time per node: the others are answered 429 with
 * {@code Retry-After}.
 */
@RestController
@RequestMapping("/admin/v1/audit")
class AuditController {

	/**
	 * JSON Lines; {@code application/jsonl} is the type the format's authors register.
	 */
	static final String JSONL = "application/jsonl";

	private final AuditTrail trail;

	AuditController(AuditTrail trail) {
		this.trail = trail;
	}

	@GetMapping
	Map<String, Object> query(@RequestParam(required = false) String chain,
			@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
			@RequestParam(required = false) String decision, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String limit,
			@RequestParam(required = false) String cursor) {
		AuditQuery query = new AuditQuery(text("chain", chain), text("actor", actor), text("action", action),
				decision(decision), instant("from", from), instant("to", to), AuditQuery.limit(limit),
				text("cursor", cursor));
		AuditPage page = this.trail.find(query);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("items", page.items().stream().map((record) -> record.toJson()).toList());
		body.put("nextCursor", page.nextCursor());
		return body;
	}

	@GetMapping("/verify")
	Map<String, Object> verify(@RequestParam(required = false) String chain) {
		AuditVerification result = this.trail.verify(text("chain", chain));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("valid", result.valid());
		if (result instanceof AuditVerification.Valid valid) {
			body.put("chains", valid.chains());
			body.put("records", valid.records());
		}
		else if (result instanceof AuditVerification.Broken broken) {
			body.put("chain", broken.chain());
			body.put("seq", broken.seq());
			body.put("reason", broken.reason());
			body.put("checkpoint", broken.checkpoint());
		}
		return body;
	}

	@GetMapping("/export")
	void export(@RequestParam(required = false) String format, @RequestParam(required = false) String chain,
			HttpServletResponse response) throws IOException {
		if (format != null && !"jsonl".equals(format)) {
			throw new InvalidAuditQueryException("format", "format must be jsonl");
		}
		String only = text("chain", chain);
		response.setStatus(HttpStatus.OK.value());
		response.setContentType(JSONL);
		response.setCharacterEncoding("UTF-8");
		response.setHeader("Content-Disposition", "attachment; filename=\"audit.jsonl\"");
		this.trail.export(only, response.getOutputStream());
		response.flushBuffer();
	}

	@PostMapping("/checkpoints")
	ResponseEntity<Map<String, Object>> createCheckpoint() {
		AuditCheckpoint checkpoint = this.trail.createCheckpoint();
		return ResponseEntity.created(URI.create("/admin/v1/audit/checkpoints/latest")).body(body(checkpoint));
	}

	@GetMapping("/checkpoints/latest")
	ResponseEntity<?> latestCheckpoint(HttpServletRequest request) {
		return this.trail.latestCheckpoint()
			.<ResponseEntity<?>>map((checkpoint) -> ResponseEntity.ok(body(checkpoint)))
			.orElseGet(() -> {
				ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
						"No audit checkpoint has been made yet");
				problem.setInstance(URI.create(request.getRequestURI()));
				return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
			});
	}

	/**
	 * Another verify or export is running on this node (issue 14, item 13): 429 (RFC 6585
	 * §4) with {@code Retry-After} (RFC 9110 §10.2.3). An export has set its own headers
	 * before the trail refused it, and nothing is written yet: they are cleared.
	 */
	@ExceptionHandler(AuditBusyException.class)
	ResponseEntity<ProblemDetail> busy(AuditBusyException ex, HttpServletRequest request,
			HttpServletResponse response) {
		if (!response.isCommitted()) {
			response.reset();
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, ex.getMessage());
		problem.setTitle("Audit reader busy");
		problem.setInstance(URI.create(request.getRequestURI()));
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfter().toSeconds()))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	/**
	 * The trail no longer extends the latest checkpoint: signing it now would whitewash
	 * the change (issue 14, item 1). 409, naming the chain; the refusal is recorded.
	 */
	@ExceptionHandler(AuditCheckpointRefusedException.class)
	ProblemDetail checkpointRefused(AuditCheckpointRefusedException ex, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"No checkpoint was made: " + ex.getMessage());
		problem.setTitle("Checkpoint refused");
		problem.setInstance(URI.create(request.getRequestURI()));
		problem.setProperty("chain", ex.chain());
		return problem;
	}

	@ExceptionHandler(InvalidAuditQueryException.class)
	ProblemDetail invalidParameter(InvalidAuditQueryException ex, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid parameter");
		problem.setInstance(URI.create(request.getRequestURI()));
		problem.setProperty("parameter", ex.getParameter());
		return problem;
	}

	private static Map<String, Object> body(AuditCheckpoint checkpoint) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("checkpoint", checkpoint.checkpoint());
		body.put("createdAt", checkpoint.createdAtText());
		body.put("chains", checkpoint.chains());
		return body;
	}

	private static String text(String name, String value) {
		if (value == null) {
			return null;
		}
		if (value.isEmpty() || value.length() > 256) {
			throw new InvalidAuditQueryException(name, name + " must have 1 to 256 characters");
		}
		return value;
	}

	private static Decision decision(String value) {
		if (value == null) {
			return null;
		}
		for (Decision decision : Decision.values()) {
			if (decision.value().equals(value)) {
				return decision;
			}
		}
		throw new InvalidAuditQueryException("decision", "decision must be allow or deny");
	}

	/**
	 * ISO-8601: an instant with an offset ({@code 2026-11-28T10:00:00Z},
	 * {@code 2026-11-28T11:00:00+01:00}) or a date (its start, UTC).
	 */
	private static Instant instant(String name, String value) {
		if (value == null) {
			return null;
		}
		for (var parser : List.<java.util.function.Function<String, Instant>>of(
				(v) -> OffsetDateTime.parse(v).toInstant(),
				(v) -> LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant())) {
			try {
				// the range is AuditQuery's rule: it refuses an instant out of range
				return parser.apply(value);
			}
			catch (DateTimeException ex) {
				// try the next form
			}
		}
		throw new InvalidAuditQueryException(name,
				name + " must be an ISO-8601 date-time with an offset (e.g. 2026-11-28T10:00:00Z) or a date");
	}

}
