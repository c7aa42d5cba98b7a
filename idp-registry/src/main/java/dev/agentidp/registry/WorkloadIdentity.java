package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * A workload identity an agent may authenticate with instead of a key of its own
 * (workload identity federation, docs/workload-identity.md): a JWT from a trusted issuer
 * (a Kubernetes service-account token, a SPIFFE JWT-SVID, an OIDC ID token) whose
 * {@code iss} and {@code sub} are these, presented as the agent's client assertion (RFC
 * 7523 §2.2).
 *
 * @param issuer the token issuer, exactly as its tokens' {@code iss} (e.g.
 * {@code https://kubernetes.default.svc})
 * @param subject the subject, exactly as its tokens' {@code sub} (e.g.
 * {@code system:serviceaccount:payments:refund-agent}, or a SPIFFE ID
 * {@code spiffe://example.org/ns/payments/sa/refund-agent})
 */
public record WorkloadIdentity(String issuer, String subject) {

	/** The most workload identities one agent may declare. */
	public static final int MAX_PER_AGENT = 16;

	/** The longest issuer or subject. */
	public static final int MAX_LENGTH = 512;

	public WorkloadIdentity {
		Assert.hasText(issuer, "issuer cannot be empty");
		Assert.hasText(subject, "subject cannot be empty");
	}

}
