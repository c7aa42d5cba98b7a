package dev.agentidp.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of a workload identity's issuer and subject (docs/workload-identity.md), one
 * place for the admin API's request records, the registry's invariants and the token
 * endpoint's checks, with the SPIFFE ID syntax.
 */
public final class WorkloadIdentities {

	/** The rule for an issuer. */
	public static final String ISSUER_RULE = "must be an absolute https (or http) URL without query or fragment, at most "
			+ WorkloadIdentity.MAX_LENGTH + " characters";

	/** The rule for a subject. */
	public static final String SUBJECT_RULE = "must be 1-" + WorkloadIdentity.MAX_LENGTH
			+ " characters without control characters; a spiffe:// subject must be a valid SPIFFE ID";

	/** The scheme of a SPIFFE ID. */
	public static final String SPIFFE_SCHEME = "spiffe://";

	/**
	 * SPIFFE ID §2.1 and §2.2: a trust domain of {@code [a-z0-9._-]}, then a path of
	 * segments of {@code [A-Za-z0-9._-]}, none empty, {@code .} or {@code ..}.
	 */
	private static final Pattern SPIFFE_ID = Pattern.compile("spiffe://([a-z0-9._-]{1,255})((/[A-Za-z0-9._-]+)*)");

	private WorkloadIdentities() {
	}

	/**
	 * Whether a text is an acceptable issuer: an absolute URL without query or fragment
	 * (OpenID Connect Discovery 1.0 §2). Its scheme is {@code https}, or {@code http}: an
	 * issuer names, the keys are fetched only over {@code https} outside the {@code dev}
	 * profile (docs/workload-identity.md).
	 * @param issuer the text
	 * @return whether it is one
	 */
	public static boolean isIssuer(String issuer) {
		if (issuer == null || issuer.isEmpty() || issuer.length() > WorkloadIdentity.MAX_LENGTH) {
			return false;
		}
		try {
			URI uri = new URI(issuer);
			return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
					&& uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	/**
	 * Whether a text is an acceptable subject.
	 * @param subject the text
	 * @return whether it is one
	 */
	public static boolean isSubject(String subject) {
		if (subject == null || subject.isEmpty() || subject.length() > WorkloadIdentity.MAX_LENGTH
				|| subject.chars().anyMatch(Character::isISOControl)) {
			return false;
		}
		return !subject.startsWith(SPIFFE_SCHEME) || trustDomain(subject).isPresent();
	}

	/**
	 * The trust domain of a SPIFFE ID.
	 * @param spiffeId the SPIFFE ID
	 * @return its trust domain, or empty when it is not a valid SPIFFE ID
	 */
	public static Optional<String> trustDomain(String spiffeId) {
		if (spiffeId == null) {
			return Optional.empty();
		}
		var matcher = SPIFFE_ID.matcher(spiffeId);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		for (String segment : matcher.group(2).split("/")) {
			if (segment.equals(".") || segment.equals("..")) {
				return Optional.empty();
			}
		}
		return Optional.of(matcher.group(1));
	}

}
