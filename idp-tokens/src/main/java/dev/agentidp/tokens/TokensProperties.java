package dev.agentidp.tokens;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the token module ({@code idp.tokens.*}).
 *
 * @param signingAlgorithm the algorithm of the provider's signing key: {@code EdDSA}
 * (Ed25519, the default) or {@code ES256}
 * @param keyEncryptionKey base64 of 32 bytes: the AES-256 key that encrypts the signing
 * keys' private parts at rest. Required outside the {@code dev} profile.
 * @param defaultAudience the {@code aud} of a token requested without {@code resource};
 * the issuer when unset
 */
@ConfigurationProperties("idp.tokens")
public record TokensProperties(@DefaultValue("EdDSA") String signingAlgorithm, String keyEncryptionKey,
		String defaultAudience) {

	public TokensProperties {
		if (!"EdDSA".equals(signingAlgorithm) && !"ES256".equals(signingAlgorithm)) {
			throw new IllegalArgumentException(
					"idp.tokens.signing-algorithm must be EdDSA or ES256, not '" + signingAlgorithm + "'");
		}
	}

}
