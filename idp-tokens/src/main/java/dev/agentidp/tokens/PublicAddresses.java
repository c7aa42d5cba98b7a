package dev.agentidp.tokens;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses the provider may call out to (a trusted issuer's JWKS, a webhook, an
 * SSF push receiver) outside the {@code dev} profile, against server-side request
 * forgery: public unicast addresses only, none of the special-purpose ranges of RFC 6890.
 * The one rule for every outbound call of every module.
 */
public final class PublicAddresses {

	private PublicAddresses() {
	}

	/**
	 * Whether an address is a public unicast address: not loopback, link-local, private
	 * (RFC 1918), shared (RFC 6598), unique-local (RFC 4193), multicast, unspecified,
	 * "this network", IETF protocol assignments, benchmarking or reserved.
	 * @param address the address
	 * @return {@code true} when the provider may call it
	 */
	public static boolean isPublic(InetAddress address) {
		if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
				|| address.isSiteLocalAddress() || address.isMulticastAddress()) {
			return false;
		}
		byte[] bytes = address.getAddress();
		if (address instanceof Inet4Address) {
			int first = bytes[0] & 0xff;
			int second = bytes[1] & 0xff;
			// 0.0.0.0/8 "this network", 100.64.0.0/10 shared address space (RFC 6598),
			// 192.0.0.0/24 IETF protocol assignments, 198.18.0.0/15 benchmarking,
			// 240.0.0.0/4 reserved
			return !(first == 0 || (first == 100 && second >= 64 && second < 128)
					|| (first == 192 && second == 0 && (bytes[2] & 0xff) == 0)
					|| (first == 198 && (second & 0xfe) == 18) || first >= 240);
		}
		if (address instanceof Inet6Address) {
			// fc00::/7 unique local (RFC 4193); fec0::/10 site-local (isSiteLocal);
			// ::ffff:0:0/96 IPv4-mapped is turned into an Inet4Address by the JDK
			return (bytes[0] & 0xfe) != 0xfc;
		}
		return false;
	}

}
