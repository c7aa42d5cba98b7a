package dev.agentidp.signals;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import dev.agentidp.tokens.PublicAddresses;

/**
 * Which URLs the provider calls out to (webhooks, SSF push receivers), against
 * server-side request forgery: {@code https} only, no user information or fragment, and
 * every address the host resolves to must be a public unicast address (no loopback,
 * link-local, private, shared, unique-local, multicast or unspecified address), checked
 * when the URL is given and again before each delivery (a name may resolve elsewhere
 * later). In the {@code dev} profile, or with
 * {@code idp.signals.allow-private-addresses}, {@code http} and every address are
 * allowed.
 */
final class OutboundUrls {

	static final int MAX_LENGTH = 2048;

	private final boolean permissive;

	OutboundUrls(boolean permissive) {
		this.permissive = permissive;
	}

	/**
	 * Checks a URL given in a request.
	 * @param text the URL
	 * @param member the request member named in the refusal
	 * @return the URL
	 * @throws InvalidSignalRequestException when it may not be called
	 */
	URI check(String text, String member) {
		if (text == null || text.isBlank()) {
			throw new InvalidSignalRequestException(member + ": is required");
		}
		if (text.length() > MAX_LENGTH) {
			throw new InvalidSignalRequestException(member + ": must be at most " + MAX_LENGTH + " characters");
		}
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new InvalidSignalRequestException(member + ": must be an absolute https URL");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null
				|| !("https".equals(scheme) || ("http".equals(scheme) && this.permissive))) {
			throw new InvalidSignalRequestException(member + ": must be an absolute https URL");
		}
		if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
			throw new InvalidSignalRequestException(member + ": must not carry user information or a fragment");
		}
		String refusal = refusal(uri);
		if (refusal != null) {
			throw new InvalidSignalRequestException(member + ": " + refusal);
		}
		return uri;
	}

	/**
	 * Why a URL may not be called now, or {@code null} when it may.
	 * @param uri a URL checked before
	 * @return the reason, or {@code null}
	 */
	String refusal(URI uri) {
		if (this.permissive) {
			return null;
		}
		if (!"https".equalsIgnoreCase(uri.getScheme())) {
			return "must be an absolute https URL";
		}
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(uri.getHost());
		}
		catch (UnknownHostException ex) {
			return "the host " + uri.getHost() + " does not resolve";
		}
		for (InetAddress address : addresses) {
			if (!isPublic(address)) {
				return "the host " + uri.getHost() + " resolves to " + address.getHostAddress()
						+ ", a loopback, link-local or private address";
			}
		}
		return null;
	}

	/** A public unicast address ({@link PublicAddresses}, the rule of every module). */
	static boolean isPublic(InetAddress address) {
		return PublicAddresses.isPublic(address);
	}

}
