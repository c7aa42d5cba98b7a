package dev.agentidp.tokens;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * Encrypts the private parts of the provider's signing keys at rest with AES-256-GCM. The
 * stored form is the 12-byte nonce followed by the ciphertext and its 16-byte tag; the
 * key id is bound as additional authenticated data, so a ciphertext cannot be moved to
 * another row.
 */
public final class SigningKeyCipher {

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final SecretKey key;

	private final SecureRandom random = new SecureRandom();

	/**
	 * @param key the 32 bytes of an AES-256 key
	 */
	public SigningKeyCipher(byte[] key) {
		Assert.notNull(key, "key cannot be null");
		Assert.isTrue(key.length == 32, "the key-encryption key must be 32 bytes (AES-256)");
		this.key = new SecretKeySpec(key.clone(), "AES");
	}

	/**
	 * Encrypts.
	 * @param plaintext the private key material
	 * @param kid the key id, bound as associated data
	 * @return nonce || ciphertext || tag
	 */
	public byte[] encrypt(byte[] plaintext, String kid) {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(kid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot encrypt a signing key", ex);
		}
	}

	/**
	 * Decrypts.
	 * @param sealed nonce || ciphertext || tag
	 * @param kid the key id it was sealed with
	 * @return the private key material
	 * @throws SigningKeyDecryptionException when the key is wrong or the data was altered
	 */
	public byte[] decrypt(byte[] sealed, String kid) {
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
			cipher.updateAAD(kid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			throw new SigningKeyDecryptionException(kid, ex);
		}
	}

}
