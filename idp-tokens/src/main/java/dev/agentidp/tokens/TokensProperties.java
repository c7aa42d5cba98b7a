package dev.agentidp.tokens;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the token module ({@code idp.tokens.*}), checked when it is bound: a
 * value out of range refuses the start with the property's name and its range.
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
 * @param purgeInterval how often expired token rows (the token store's days that ended
 * over an hour ago, dropped whole) and used client assertions are deleted (default 10
 * minutes; read by the purge's {@code @Scheduled} placeholder)
 * @param maxTrackedFailedAuthentications how many pairs of client and source address that
 * failed to authenticate each node keeps in memory with their back-off (default 10,000,
 * about 200 bytes each); beyond it the least valuable pairs are evicted one by one, and
 * an evicted pair is counted again from the shared count in PostgreSQL
 * @param dpopProofWindow how far a DPoP proof's {@code iat} may lie from now, either way
 * (RFC 9449 §11.1; default 60 s, 1 s to 10 minutes); its {@code jti} is kept twice as
 * long to refuse replays
 * @param dpopNonce the DPoP server nonces of the token endpoint (RFC 9449 §8; off by
 * default)
 * @param workload the trusted issuers' keys, as this provider fetches them (workload
 * identity federation, docs/workload-identity.md)
 */
@ConfigurationProperties("idp.tokens")
@Validated
public record TokensProperties(
		@DefaultValue("ES256") @NotNull(message = EDDSA_OR_ES256) @Pattern(
				regexp = "EdDSA|ES256", message = EDDSA_OR_ES256) String signingAlgorithm,
		String keyEncryptionKey, String defaultAudience,
		@DefaultValue("60s") @DurationMin(seconds = 0, message = CLOCK_SKEW_RANGE) @DurationMax(minutes = 10,
				message = CLOCK_SKEW_RANGE) Duration clockSkew,
		@DefaultValue("20") @Min(value = 1, message = "must be at least 1") int maxFailedAuthenticationsPerMinute,
		@DefaultValue("60m") @DurationMin(minutes = 1, message = ASSERTION_LIFETIME_RANGE) @DurationMax(hours = 24,
				message = ASSERTION_LIFETIME_RANGE) Duration maxClientAssertionLifetime,
		@DefaultValue("10m") @NotNull Duration purgeInterval,
		@DefaultValue("10000") @Range(min = 1, max = 1_000_000) int maxTrackedFailedAuthentications,
		@DefaultValue("60s") @DurationMin(seconds = 1, message = DPOP_WINDOW_RANGE) @DurationMax(minutes = 10,
				message = DPOP_WINDOW_RANGE) Duration dpopProofWindow,
		@DefaultValue @Valid DpopNonce dpopNonce, @DefaultValue @Valid Workload workload) {

	/** The default of {@code idp.tokens.max-failed-authentications-per-minute}. */
	public static final int DEFAULT_MAX_FAILED_AUTHENTICATIONS = 20;

	/** The default of {@code idp.tokens.max-client-assertion-lifetime}. */
	public static final Duration DEFAULT_MAX_CLIENT_ASSERTION_LIFETIME = Duration.ofMinutes(60);

	static final String EDDSA_OR_ES256 = "must be EdDSA or ES256";

	static final String CLOCK_SKEW_RANGE = "must be between 0 and 10 minutes";

	static final String ASSERTION_LIFETIME_RANGE = "must be between 1 minute and 24 hours";

	static final String DPOP_WINDOW_RANGE = "must be between 1 second and 10 minutes";

	/** The default of {@code idp.tokens.dpop-proof-window}. */
	public static final Duration DEFAULT_DPOP_PROOF_WINDOW = Duration.ofSeconds(60);

	/** The default of {@code idp.tokens.max-tracked-failed-authentications}. */
	public static final int DEFAULT_MAX_TRACKED_FAILED_AUTHENTICATIONS = 10_000;

	public TokensProperties {
		// an empty value binds to null: it means the default
		if (clockSkew == null) {
			clockSkew = ProviderJwtDecoders.CLOCK_SKEW;
		}
		if (maxClientAssertionLifetime == null) {
			maxClientAssertionLifetime = DEFAULT_MAX_CLIENT_ASSERTION_LIFETIME;
		}
		if (dpopProofWindow == null) {
			dpopProofWindow = DEFAULT_DPOP_PROOF_WINDOW;
		}
		if (dpopNonce == null) {
			dpopNonce = new DpopNonce(false, DpopNonce.DEFAULT_LIFETIME);
		}
		if (workload == null) {
			workload = new Workload(null, null, null, false, null);
		}
	}

	/**
	 * How the trusted issuers' keys are fetched ({@code idp.tokens.workload.*},
	 * docs/workload-identity.md).
	 *
	 * @param jwksRefreshInterval how long a fetched JWK Set is used before it is fetched
	 * again (default 5 minutes, 10 seconds to 24 hours)
	 * @param unknownKidRefetchInterval how soon after a fetch a token naming an unknown
	 * {@code kid} makes the set be fetched again (default 60 s, 1 second to 1 hour)
	 * @param fetchTimeout how long a fetch may take (default 5 s, 100 ms to 60 s)
	 * @param allowInsecureUrls allow {@code http} and loopback, link-local and private
	 * addresses for the keys outside the {@code dev} profile (default {@code false}; for
	 * tests that serve keys on loopback)
	 * @param attestationPopWindow how far a client attestation PoP's {@code iat} may lie
	 * from now, either way (default 60 s, 1 second to 10 minutes); its {@code jti} is
	 * kept as long to refuse replays
	 */
	public record Workload(
			@DefaultValue("5m") @DurationMin(seconds = 10, message = REFRESH_RANGE) @DurationMax(hours = 24,
					message = REFRESH_RANGE) Duration jwksRefreshInterval,
			@DefaultValue("60s") @DurationMin(seconds = 1, message = REFETCH_RANGE) @DurationMax(hours = 1,
					message = REFETCH_RANGE) Duration unknownKidRefetchInterval,
			@DefaultValue("5s") @DurationMin(millis = 100, message = TIMEOUT_RANGE) @DurationMax(seconds = 60,
					message = TIMEOUT_RANGE) Duration fetchTimeout,
			@DefaultValue("false") boolean allowInsecureUrls,
			@DefaultValue("60s") @DurationMin(seconds = 1, message = DPOP_WINDOW_RANGE) @DurationMax(minutes = 10,
					message = DPOP_WINDOW_RANGE) Duration attestationPopWindow) {

		static final String REFRESH_RANGE = "must be between 10 seconds and 24 hours";

		static final String REFETCH_RANGE = "must be between 1 second and 1 hour";

		static final String TIMEOUT_RANGE = "must be between 100 milliseconds and 60 seconds";

		public Workload {
			// an empty value binds to null: it means the default
			jwksRefreshInterval = (jwksRefreshInterval != null) ? jwksRefreshInterval : Duration.ofMinutes(5);
			unknownKidRefetchInterval = (unknownKidRefetchInterval != null) ? unknownKidRefetchInterval
					: Duration.ofSeconds(60);
			fetchTimeout = (fetchTimeout != null) ? fetchTimeout : Duration.ofSeconds(5);
			attestationPopWindow = (attestationPopWindow != null) ? attestationPopWindow : Duration.ofSeconds(60);
		}

	}

	/**
	 * The DPoP server nonces of the token endpoint ({@code idp.tokens.dpop-nonce.*}, RFC
	 * 9449 §8).
	 *
	 * @param enabled whether a DPoP proof at the token endpoint must carry a nonce this
	 * provider issued (default {@code false}): without one, or with one not valid, the
	 * request is refused with {@code use_dpop_nonce} and a fresh nonce in the
	 * {@code DPoP-Nonce} header
	 * @param lifetime how long a nonce is accepted after it is issued, on every node
	 * (default 5 minutes, 10 seconds to 1 hour)
	 */
	public record DpopNonce(@DefaultValue("false") boolean enabled,
			@DefaultValue("5m") @DurationMin(seconds = 10, message = DPOP_NONCE_LIFETIME_RANGE) @DurationMax(hours = 1,
					message = DPOP_NONCE_LIFETIME_RANGE) Duration lifetime) {

		/** The default of {@code idp.tokens.dpop-nonce.lifetime}. */
		public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

		static final String DPOP_NONCE_LIFETIME_RANGE = "must be between 10 seconds and 1 hour";

		public DpopNonce {
			// an empty value binds to null: it means the default
			if (lifetime == null) {
				lifetime = DEFAULT_LIFETIME;
			}
		}

	}

}
