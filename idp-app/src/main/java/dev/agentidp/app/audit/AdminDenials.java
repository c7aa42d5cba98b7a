package dev.agentidp.app.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.RefusalLog;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records denied admin requests (API.md §2: {@code admin.denied} on the {@code _system}
 * chain) for the admin security chain's entry point and access-denied handler. Details
 * are the method and the path, never a header or a token.
 */
public final class AdminDenials {

	/** The audit action of a denied admin request. */
	public static final String ACTION = "admin.denied";

	private static final int MAX_PATH = 256;

	private static final Logger logger = LoggerFactory.getLogger(AdminDenials.class);

	private static final RefusalLog refusals = new RefusalLog();

	private AdminDenials() {
	}

	/**
	 * Records a denied admin request in a transaction of its own. The request is denied
	 * whether or not the record can be written; a failure is logged.
	 * @param audit the audit trail
	 * @param request the denied request
	 * @param actor the calling client, or {@code null} when it is not authenticated
	 * @param reason why it was denied
	 */
	public static void record(AuditTrail audit, HttpServletRequest request, String actor, String reason) {
		String path = request.getRequestURI();
		if (path.length() > MAX_PATH) {
			path = path.substring(0, MAX_PATH);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("method", request.getMethod());
		details.put("path", path);
		refusals.refused(actor, path, reason);
		try {
			audit.appendDenial(
					new AuditEntry(AuditEntry.SYSTEM_CHAIN, actor, ACTION, path, Decision.DENY, reason, details));
		}
		catch (RuntimeException ex) {
			logger.error("Cannot record a denied admin request in the audit trail", ex);
		}
	}

}
