package dev.agentidp.resourceserver;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.agentidp.dpop.DpopProofVerifier;

import org.springframework.util.Assert;

/**
 * Checks a token by RFC 7662 introspection at the provider, as a resource-server client
 * ({@code client_secret_basic}): the default, because a revocation then counts at once.
 * An active answer may be reused for at most {@code introspection-cache-ttl} (never past
 * the token's {@code exp}); with the default of 0 every request asks. Only active answers
 * are cached, keyed by the token's SHA-256, never by the token.
 */
final class IntrospectionVerifier implements AccessTokenVerifier {

	private final ProviderHttp http;

	private final String endpoint;

	private final String issuer;

	private final Clock clock;

	private final Cache<String, VerifiedToken> cache;

	IntrospectionVerifier(ProviderHttp http, ResourceServerProperties properties, Clock clock) {
		Assert.notNull(http, "http cannot be null");
		this.http = http;
		this.endpoint = properties.issuerBase() + "/oauth2/introspect";
		this.issuer = properties.issuerBase();
		this.clock = clock;
		Duration ttl = properties.introspectionCacheTtl();
		this.cache = ttl.isZero() ? null
				: Caffeine.newBuilder()
					.maximumSize(properties.introspectionCacheSize())
					.expireAfter(Expiry.<String, VerifiedToken>creating((key, token) -> {
						Duration untilExpiry = Duration.between(clock.instant(), token.expiresAt());
						return untilExpiry.compareTo(ttl) < 0 ? (untilExpiry.isNegative() ? Duration.ZERO : untilExpiry)
								: ttl;
					}))
					.build();
	}

	@Override
	public VerifiedToken verify(String token) {
		String key = (this.cache != null) ? DpopProofVerifier.sha256(token) : null;
		if (this.cache != null) {
			VerifiedToken cached = this.cache.getIfPresent(key);
			if (cached != null && this.clock.instant().isBefore(cached.expiresAt())) {
				return cached;
			}
		}
		ProviderHttp.Answer answer = this.http.postForm(this.endpoint,
				Map.of("token", token, "token_type_hint", "access_token"));
		if (answer.status() != 200 || !(answer.body().get("active") instanceof Boolean active)) {
			throw new ProviderUnavailableException(
					"The provider's introspection answered " + answer.status() + " without an active member", null);
		}
		// RFC 7662 §2.2: anything not active is only {"active": false}
		if (!active) {
			throw new InvalidAccessTokenException("The access token is not active");
		}
		if (answer.body().get("iss") instanceof String iss && !withoutSlash(iss).equals(this.issuer)) {
			throw new InvalidAccessTokenException("The access token is another issuer's");
		}
		VerifiedToken verified = VerifiedToken.of(answer.body());
		if (!this.clock.instant().isBefore(verified.expiresAt())) {
			throw new InvalidAccessTokenException("The access token has expired");
		}
		if (this.cache != null) {
			this.cache.put(key, verified);
		}
		return verified;
	}

	static String withoutSlash(String value) {
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

	/** For tests: whether an answer is cached now. */
	boolean cached(String token) {
		return this.cache != null && this.cache.getIfPresent(DpopProofVerifier.sha256(token)) != null;
	}

}
