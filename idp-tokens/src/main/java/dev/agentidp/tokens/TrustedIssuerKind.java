package dev.agentidp.tokens;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a trusted issuer vouches for (docs/workload-identity.md).
 */
public enum TrustedIssuerKind {

	/** A Kubernetes cluster's service-account token issuer (projected tokens). */
	KUBERNETES("kubernetes"),

	/**
	 * A SPIFFE trust domain's JWT-SVID issuer (SPIRE's OIDC discovery provider,
	 * draft-ietf-oauth-spiffe-client-auth).
	 */
	SPIFFE("spiffe"),

	/**
	 * An attester: signs client attestations
	 * (draft-ietf-oauth-attestation-based-client-auth); its tokens are never accepted as
	 * a client assertion.
	 */
	ATTESTER("attester"),

	/** Any other OpenID Connect issuer (a cloud's workload identity, a CI system). */
	OIDC("oidc");

	private final String value;

	TrustedIssuerKind(String value) {
		this.value = value;
	}

	/**
	 * The kind as the admin API writes it.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * The kind of a value.
	 * @param value the value
	 * @return the kind, or empty when unknown
	 */
	public static Optional<TrustedIssuerKind> from(String value) {
		return Arrays.stream(values()).filter((kind) -> kind.value.equals(value)).findFirst();
	}

}
