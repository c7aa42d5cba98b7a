package dev.agentidp.tokens;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import dev.agentidp.registry.InvalidInputException;

/**
 * The rules of the URLs this provider fetches (a trusted issuer's JWK Set and OpenID
 * metadata; docs/security.md "Outbound requests"): {@code https} only, and never an
 * address of the provider's own networks (loopback, link-local, private, unique-local,
 * multicast or unspecified), against server-side request forgery. Both are waived in the
 * {@code dev} profile, or with {@code idp.tokens.workload.allow-insecure-urls} (off by
 * default; tests that serve keys on loopback {@code http}).
 */
final class OutboundUrls {

	private final boolean insecureAllowed;

	/**
	 * @param insecureAllowed whether {@code http} and local addresses are allowed
	 */
	OutboundUrls(boolean insecureAllowed) {
		this.insecureAllowed = insecureAllowed;
	}

	/**
	 * Checks a URL an administrator writes.
	 * @param field the member it is written in
	 * @param url the URL
	 * @throws InvalidInputException when it breaks a rule
	 */
	void check(String field, String url) {
		URI uri = TrustedIssuers.uri(url).orElse(null);
		if (uri == null || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null
				|| url.length() > 2048) {
			throw new InvalidInputException(field,
					"must be an absolute https URL without user information or fragment, at most 2048 characters");
		}
		if (!"https".equals(uri.getScheme()) && !(this.insecureAllowed && "http".equals(uri.getScheme()))) {
			throw new InvalidInputException(field, "must be an https URL (the keys are fetched from it)");
		}
		if (!this.insecureAllowed && isLocalName(uri.getHost())) {
			throw new InvalidInputException(field,
					"must not name a loopback, link-local or private address (the keys are fetched from it)");
		}
	}

	/**
	 * Checks a URL about to be fetched, its host resolved now.
	 * @param uri the URL
	 * @throws IOException when it must not be fetched
	 */
	void guard(URI uri) throws IOException {
		if (!"https".equals(uri.getScheme()) && !(this.insecureAllowed && "http".equals(uri.getScheme()))) {
			throw new IOException("not an https URL: " + uri);
		}
		if (this.insecureAllowed) {
			return;
		}
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(uri.getHost());
		}
		catch (UnknownHostException ex) {
			throw new IOException("unknown host " + uri.getHost());
		}
		for (InetAddress address : addresses) {
			if (isLocal(address)) {
				throw new IOException(uri.getHost() + " resolves to a local address");
			}
		}
	}

	private static boolean isLocalName(String host) {
		String name = host.toLowerCase(java.util.Locale.ROOT);
		if (name.equals("localhost") || name.endsWith(".localhost")) {
			return true;
		}
		// a literal address is judged as it is; a name is judged when it is resolved
		if (name.matches("[0-9.]+") || name.startsWith("[")) {
			try {
				return isLocal(
						InetAddress.getByName(name.startsWith("[") ? name.substring(1, name.length() - 1) : name));
			}
			catch (UnknownHostException ex) {
				return true;
			}
		}
		return false;
	}

	/** Not a public unicast address ({@link PublicAddresses}). */
	static boolean isLocal(InetAddress address) {
		return !PublicAddresses.isPublic(address);
	}

}
