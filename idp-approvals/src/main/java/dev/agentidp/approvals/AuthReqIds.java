package dev.agentidp.approvals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code auth_req_id}s (CIBA §7.3): 256 random bits, base64url; stored as their
 * SHA-256 only, as the token store keeps tokens.
 */
final class AuthReqIds {

	/** The longest {@code auth_req_id} looked up (ours are 43 characters). */
	private static final int MAX_LENGTH = 128;

	private AuthReqIds() {
	}

	static boolean wellFormed(String authReqId) {
		return authReqId != null && !authReqId.isEmpty() && authReqId.length() <= MAX_LENGTH
				&& authReqId.chars().allMatch((c) -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'));
	}

	static byte[] hash(String authReqId) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(authReqId.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

}
