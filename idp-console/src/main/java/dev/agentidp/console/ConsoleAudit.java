package dev.agentidp.console;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.PrintableText;
import dev.agentidp.audit.Refusals;
import dev.agentidp.audit.RequestSource;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * What the console records in the audit trail (docs/audit.md "Contract"), each with the
 * person as actor ({@code user:<email>}): {@code console.signed_in} (allow),
 * {@code console.sign_in_denied} and {@code console.denied} (deny, through
 * {@link Refusals}, so that a flood is aggregated rather than grown at its own rate).
 * Details are the method, the path and the source, never a password or a cookie.
 */
@Component
class ConsoleAudit {

	static final String SIGNED_IN = "console.signed_in";

	static final String SIGN_IN_DENIED = "console.sign_in_denied";

	static final String DENIED = "console.denied";

	private static final int MAX_PATH = 256;

	private final AuditTrail trail;

	private final Refusals refusals;

	ConsoleAudit(AuditTrail trail, Refusals refusals) {
		Assert.notNull(trail, "trail cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		this.trail = trail;
		this.refusals = refusals;
	}

	void signedIn(Person person, String source) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("source", source);
		this.trail.append(new AuditEntry(AuditEntry.SYSTEM_CHAIN, person.actor(), SIGNED_IN, person.actor(),
				Decision.ALLOW, null, details));
	}

	/**
	 * A sign-in through the organisation's OpenID Connect provider.
	 * @param person who signed in, with the roles the mapping granted
	 * @param issuer the provider's issuer
	 * @param source the request's source
	 */
	void signedInFederated(SignedInPerson person, String issuer, String source) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("source", source);
		details.put("issuer", PrintableText.of(issuer, 255));
		details.put("roles", person.roles().stream().sorted().toList());
		this.trail.append(new AuditEntry(AuditEntry.SYSTEM_CHAIN, person.actor(), SIGNED_IN, person.actor(),
				Decision.ALLOW, null, details));
	}

	/**
	 * A refused sign-in.
	 * @param actor {@code user:<email>} of the person when known, else {@code user:} and
	 * the name as typed (made printable and bounded)
	 * @param reason {@code wrong password}, {@code throttled}, ...
	 * @param source the request's source
	 */
	void signInDenied(String actor, String reason, String source) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("source", source);
		this.refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, PrintableText.of(actor, 255), SIGN_IN_DENIED,
				null, Decision.DENY, reason, details), source);
	}

	/**
	 * A refused console request (no role, another owner's agent, a change by an auditor,
	 * a missing CSRF token).
	 * @param request the request
	 * @param actor the person's actor, or {@code null} when not signed in
	 * @param chain the agent's id when the request is about one, else {@code null}
	 * @param reason why
	 */
	void denied(HttpServletRequest request, String actor, String chain, String reason) {
		String path = request.getRequestURI();
		if (path.length() > MAX_PATH) {
			path = path.substring(0, MAX_PATH);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("method", request.getMethod());
		details.put("path", path);
		this.refusals.refused(new AuditEntry((chain != null) ? chain : AuditEntry.SYSTEM_CHAIN, actor, DENIED, path,
				Decision.DENY, reason, details), RequestSource.of(request.getRemoteAddr()));
	}

}
