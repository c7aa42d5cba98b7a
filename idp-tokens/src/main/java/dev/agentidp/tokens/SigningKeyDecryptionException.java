package dev.agentidp.tokens;

/**
 * A stored signing key cannot be decrypted: the key-encryption key is not the one it was
 * stored with, or the stored row was altered.
 */
public final class SigningKeyDecryptionException extends IllegalStateException {

	private final String kid;

	SigningKeyDecryptionException(String kid, Throwable cause) {
		super("Cannot decrypt signing key " + kid
				+ ": the key-encryption key (idp.tokens.key-encryption-key) is not the one it was stored with", cause);
		this.kid = kid;
	}

	/**
	 * The key that could not be decrypted.
	 * @return its key id
	 */
	public String kid() {
		return this.kid;
	}

}
