package dev.agentidp.app.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.RefusalLog;
import dev.agentidp.audit.Refusals;
import dev.agentidp.audit.RequestSource;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Records denied admin requests (docs/audit.md "Contract": {@code admin.denied} on the
 * {@code _system} chain) for the admin security chain's entry point and access-denied
 * handler, through {@link Refusals}: one by one within the budget of the request's
 * source, else counted in the summary of its source and interval (docs/audit.md
 * "Refusals"). Details are the method and the path, never a header or a token.
 */
public final class AdminDenials {

	/** The audit action of a denied admin request. */
	public static final String ACTION = "admin.denied";

	private static final int MAX_PATH = 256;

	private static final RefusalLog log = new RefusalLog();

	private AdminDenials() {
	}

	/**
	 * Records a denied admin request (in a transaction of its own, or in a summary). The
	 * request is denied whether or not the record can be written; a failure is counted in
	 * {@code idp.audit.refusal.unrecorded} and the refusal aggregated.
	 * @param refusals where refusals are recorded
	 * @param request the denied request
	 * @param actor the calling client, or {@code null} when it is not authenticated
	 * @param reason why it was denied
	 */
	public static void record(Refusals refusals, HttpServletRequest request, String actor, String reason) {
		String path = request.getRequestURI();
		if (path.length() > MAX_PATH) {
			path = path.substring(0, MAX_PATH);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("method", request.getMethod());
		details.put("path", path);
		log.refused(actor, path, reason);
		refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, actor, ACTION, path, Decision.DENY, reason, details),
				RequestSource.of(request.getRemoteAddr()));
	}

}
