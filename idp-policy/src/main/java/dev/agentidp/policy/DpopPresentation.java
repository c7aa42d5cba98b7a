package dev.agentidp.policy;

/**
 * The DPoP proof a tool server received with the call it asks about, and that call's
 * method and URI ({@code subject.properties.dpop_proof}, {@code htm}, {@code htu}): what
 * the policy decision point verifies for a DPoP-bound token (RFC 9449 §7.1), so that a
 * tool server that only asks the PDP is protected too. Each member may be {@code null}
 * when the request lacks it; a DPoP-bound token is then denied ({@code proof_invalid}).
 *
 * @param proof the {@code DPoP} header's value, or {@code null}
 * @param method the call's HTTP method ({@code htm}), or {@code null}
 * @param uri the call's URI ({@code htu}), or {@code null}
 */
public record DpopPresentation(String proof, String method, String uri) {

	/** Nothing presented. */
	public static final DpopPresentation NONE = new DpopPresentation(null, null, null);

	/**
	 * Whether anything was presented.
	 * @return {@code true} when a member is given
	 */
	public boolean isPresent() {
		return this.proof != null || this.method != null || this.uri != null;
	}

}
