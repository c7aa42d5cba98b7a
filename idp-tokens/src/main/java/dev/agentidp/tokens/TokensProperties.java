package dev.agentidp.tokens;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the token module ({@code idp.tokens.*}).
 *
 * @param signingAlgorithm the algorithm of the provider's signing key: {@code ES256} (the
 * default: every mainstream JWT library and Spring Boot's resource server verify it
 * without configuration) or {@code EdDSA} (Ed25519: faster to sign and verify, but not
 * verified by Spring's Nimbus decoder out of the box)
 * @param keyEncryptionKey base64 of 32 bytes: the AES-256 key that encrypts the signing
 * keys' private parts at rest. Required outside the {@code dev} profile.
 * @param defaultAudience the {@code aud} of a token requested without {@code resource};
 * the issuer when unset
 * @param clockSkew the clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * of client assertions and of access tokens presented to the admin API (default 60 s)
 * @param maxFailedAuthenticationsPerMinute failed {@code private_key_jwt} authentications
 * of one client from one source address (counted across nodes, reset after an hour
 * without failure) after which that address is refused without any signature work, for a
 * back-off of 10 s that doubles with each further failure up to 15 min (default 20; the
 * name is kept for compatibility)
 * @param maxClientAssertionLifetime how far ahead of now a client assertion's {@code exp}
 * may lie (RFC 7523 §3 (4) leaves the limit to the server; default 60 minutes, as Okta
 * and Auth0 accept, and what stock clients such as authlib's {@code PrivateKeyJWT} send);
 * its {@code jti} is kept for replay detection until then
 * @param maxTrackedFailedAuthentications how many pairs of client and source address that
 * failed to authenticate each node keeps in memory with their back-off (default 10,000,
 * about 200 bytes each); beyond it the least valuable pairs are evicted one by one, and
 * an evicted pair is counted again from the shared count in PostgreSQL
 */
@ConfigurationProperties("idp.tokens")
public record TokensProperties(@DefaultValue("ES256") String signingAlgorithm, String keyEncryptionKey,
		String defaultAudience, @DefaultValue("60s") Duration clockSkew,
		@DefaultValue("20") int maxFailedAuthenticationsPerMinute,
		@DefaultValue("60m") Duration maxClientAssertionLifetime,
		@DefaultValue("10000") int maxTrackedFailedAuthentications) {

	/** The default of {@code idp.tokens.max-failed-authentications-per-minute}. */
	public static final int DEFAULT_MAX_FAILED_AUTHENTICATIONS = 20;

	/** The default of {@code idp.tokens.max-client-assertion-lifetime}. */
	public static final Duration DEFAULT_MAX_CLIENT_ASSERTION_LIFETIME = Duration.ofMinutes(60);

	/** The default of {@code idp.tokens.max-tracked-failed-authentications}. */
	public static final int DEFAULT_MAX_TRACKED_FAILED_AUTHENTICATIONS = 10_000;

	public TokensProperties {
		if (clockSkew == null) {
			clockSkew = ProviderJwtDecoders.CLOCK_SKEW;
		}
		if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
			throw new IllegalArgumentException(
					"idp.tokens.clock-skew must be between 0 and 10 minutes, not " + clockSkew);
		}
		if (maxClientAssertionLifetime == null) {
			maxClientAssertionLifetime = DEFAULT_MAX_CLIENT_ASSERTION_LIFETIME;
		}
		if (maxClientAssertionLifetime.compareTo(Duration.ofMinutes(1)) < 0
				|| maxClientAssertionLifetime.compareTo(Duration.ofHours(24)) > 0) {
			throw new IllegalArgumentException(
					"idp.tokens.max-client-assertion-lifetime must be between 1 minute and 24 hours, not "
							+ maxClientAssertionLifetime);
		}
		if (maxFailedAuthenticationsPerMinute < 1) {
			throw new IllegalArgumentException("idp.tokens.max-failed-authentications-per-minute must be at least 1");
		}
		if (maxTrackedFailedAuthentications < 1 || maxTrackedFailedAuthentications > 1_000_000) {
			throw new IllegalArgumentException(
					"idp.tokens.max-tracked-failed-authentications must be between 1 and 1000000, not "
							+ maxTrackedFailedAuthentications);
		}
		if (!"EdDSA".equals(signingAlgorithm) && !"ES256".equals(signingAlgorithm)) {
			throw new IllegalArgumentException(
					"idp.tokens.signing-algorithm must be EdDSA or ES256, not '" + signingAlgorithm + "'");
		}
	}

}
