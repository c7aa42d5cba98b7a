package dev.agentidp.policy;

import dev.agentidp.registry.AgentId;
import dev.agentidp.tokens.PresentedToken;

import org.springframework.util.Assert;

/**
 * What every rule reads: the request, the token as the provider recognised it (or
 * {@code null} when it is not one of its tokens), whether it is active, the acting agent
 * with its declarations (both {@code null} when the token is not an agent's or not
 * active), and, for a DPoP-bound token, the outcome of its proof's verification.
 *
 * @param request the request
 * @param token the recognised token, or {@code null}
 * @param active whether the token is active now (introspection's rules)
 * @param agentId the acting agent, or {@code null}
 * @param declared what the acting agent's document declares, or {@code null}
 * @param proofJkt the RFC 7638 thumbprint of the key of the DPoP proof that verified (RFC
 * 9449 §4.3), or {@code null} when none did or none was verified
 * @param proofFailure why the DPoP proof was refused, or {@code null}
 */
public record AccessAttempt(AccessRequest request, PresentedToken token, boolean active, AgentId agentId,
		DeclaredAccess declared, String proofJkt, String proofFailure) {

	public AccessAttempt {
		Assert.notNull(request, "request cannot be null");
		Assert.isTrue(!active || token != null, "only a recognised token can be active");
		Assert.isTrue((agentId == null) == (declared == null), "an agent comes with its declarations");
		Assert.isTrue(proofJkt == null || proofFailure == null, "a proof either verified or was refused");
	}

	/**
	 * An attempt whose proof was not verified.
	 * @param request the request
	 * @param token the recognised token, or {@code null}
	 * @param active whether the token is active now
	 * @param agentId the acting agent, or {@code null}
	 * @param declared what the acting agent's document declares, or {@code null}
	 */
	public AccessAttempt(AccessRequest request, PresentedToken token, boolean active, AgentId agentId,
			DeclaredAccess declared) {
		this(request, token, active, agentId, declared, null, null);
	}

}
