package dev.agentidp.app;

import dev.agentidp.tokens.SigningKeyDecryptionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a key-encryption key that does not decrypt the signing keys stored in the
 * database (started with another key than the one they were stored with).
 */
class SigningKeyDecryptionFailureAnalyzer extends AbstractFailureAnalyzer<SigningKeyDecryptionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SigningKeyDecryptionException cause) {
		return new FailureAnalysis(
				"The signing key " + cause.kid() + " stored in the database cannot be decrypted with the configured"
						+ " key-encryption key: it was stored with another one (or the row was altered).",
				"Start with the idp.tokens.key-encryption-key (IDP_TOKENS_KEY_ENCRYPTION_KEY) the database was"
						+ " first started with; in the dev profile that is the file key-encryption-key in the data"
						+ " directory. Nothing was changed: the provider refuses to start rather than sign with a new key.",
				cause);
	}

}
