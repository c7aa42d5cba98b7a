package dev.agentidp.audit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The source a refusal or a failed authentication is counted against: the client's IP
 * address as the server sees it, an IPv6 address reduced to its /64 prefix (one host
 * commonly holds a whole /64, so counting single IPv6 addresses would let it rotate
 * through 2^64 of them). Behind a reverse proxy this is the proxy's address unless the
 * proxy's forwarded headers are trusted ({@code server.forward-headers-strategy}).
 */
public final class RequestSource {

	/** The source of a request whose address is not known. */
	public static final String UNKNOWN = "unknown";

	private static final int MAX_LENGTH = 64;

	private RequestSource() {
	}

	/**
	 * The source of a request from the given remote address.
	 * @param remoteAddress the remote address as a literal (what
	 * {@code ServletRequest.getRemoteAddr()} returns), or {@code null}
	 * @return the IPv4 address, the IPv6 /64 prefix ({@code 2001:db8:1:2::/64}), or
	 * {@link #UNKNOWN}
	 */
	public static String of(String remoteAddress) {
		if (remoteAddress == null || remoteAddress.isEmpty() || remoteAddress.length() > MAX_LENGTH
				|| !remoteAddress.chars().allMatch(RequestSource::literalChar)) {
			return UNKNOWN;
		}
		try {
			// a literal (checked above): never a name lookup
			InetAddress address = InetAddress.getByName(remoteAddress);
			if (address instanceof Inet6Address) {
				byte[] bytes = address.getAddress();
				StringBuilder prefix = new StringBuilder(24);
				for (int i = 0; i < 8; i += 2) {
					prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
				}
				return prefix.append(":/64").toString();
			}
			return address.getHostAddress();
		}
		catch (UnknownHostException ex) {
			return UNKNOWN;
		}
	}

	private static boolean literalChar(int c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':'
				|| c == '%' || c == '[' || c == ']';
	}

}
