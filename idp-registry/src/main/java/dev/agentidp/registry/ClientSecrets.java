package dev.agentidp.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Client secrets this provider generates, and how they are stored and checked.
 * <p>
 * A generated secret carries 256 random bits, so one SHA-256 is a sound way to store it
 * (no dictionary to attack) and a fast one to check: bcrypt would cost ~64 ms on every
 * introspection call (docs/tokens.md "Design notes"). Comparison is constant-time.
 */
public final class ClientSecrets {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final int SECRET_BYTES = 32;

	private ClientSecrets() {
	}

	/**
	 * A new secret of 256 random bits, base64url without padding (43 characters).
	 * @return the secret, to be shown once
	 */
	public static String generate() {
		byte[] bytes = new byte[SECRET_BYTES];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * The stored form of a secret.
	 * @param secret the secret
	 * @return lowercase hex SHA-256 of its UTF-8 bytes
	 */
	public static String hash(CharSequence secret) {
		return HexFormat.of().formatHex(sha256(secret));
	}

	/**
	 * Whether a presented secret matches a stored hash, in constant time.
	 * @param presented the secret a client presented (may be {@code null})
	 * @param storedHash the stored hash (may be {@code null})
	 * @return {@code true} only on a match
	 */
	public static boolean matches(CharSequence presented, String storedHash) {
		if (presented == null || storedHash == null || storedHash.length() != 64) {
			return false;
		}
		byte[] expected;
		try {
			expected = HexFormat.of().parseHex(storedHash);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return MessageDigest.isEqual(sha256(presented), expected);
	}

	private static byte[] sha256(CharSequence value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.toString().getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

}
