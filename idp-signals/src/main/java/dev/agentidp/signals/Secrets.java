package dev.agentidp.signals;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

import dev.agentidp.tokens.SigningKeyCipher;

import org.springframework.util.Assert;

/**
 * The secrets the outbound signals must use again (a webhook's signing secret, a push
 * receiver's authorization header): kept encrypted under the key-encryption key
 * (AES-GCM), the owning row's id as associated data, so a value moved to another row does
 * not decrypt. Never logged.
 */
final class Secrets {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SigningKeyCipher cipher;

	Secrets(SigningKeyCipher cipher) {
		Assert.notNull(cipher, "cipher cannot be null");
		this.cipher = cipher;
	}

	byte[] seal(String secret, String purpose, UUID owner) {
		return this.cipher.encrypt(secret.getBytes(StandardCharsets.UTF_8), purpose + ":" + owner);
	}

	String open(byte[] sealed, String purpose, UUID owner) {
		return new String(this.cipher.decrypt(sealed, purpose + ":" + owner), StandardCharsets.UTF_8);
	}

	/** A new webhook secret: 256 random bits, base64url, with a recognisable prefix. */
	static String generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
