package dev.agentidp.app;

/**
 * Thrown at start-up when no key-encryption key is configured outside the {@code dev}
 * profile; {@link MissingKeyEncryptionKeyFailureAnalyzer} turns it into a clear message.
 */
public class MissingKeyEncryptionKeyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	MissingKeyEncryptionKeyException(String message) {
		super(message);
	}

}
