package dev.agentidp.app;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a missing or malformed key-encryption key at start-up.
 */
class MissingKeyEncryptionKeyFailureAnalyzer extends AbstractFailureAnalyzer<MissingKeyEncryptionKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingKeyEncryptionKeyException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Set idp.tokens.key-encryption-key (environment: IDP_TOKENS_KEY_ENCRYPTION_KEY) to the base64 of 32"
						+ " random bytes, for example the output of 'openssl rand -base64 32', and keep it: it decrypts"
						+ " the signing keys stored in the database. Only the dev profile generates one by itself.",
				cause);
	}

}
