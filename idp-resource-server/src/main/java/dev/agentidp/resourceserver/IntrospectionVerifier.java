package dev.agentidp.resourceserver;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.agentidp.dpop.DpopProofVerifier;

import org.springframework.util.Assert;

/**
 * Checks a token by RFC 7662 introspection at the provider, as a resource-server client
 * ({@code client_secret_basic}): the default, because a revocation then counts at once.
 * An active answer may be reused for at most {@code introspection-cache-ttl} (never past
 * the token's {@code exp}); with the default of 0 every request asks. Only active answers
 * are cached, keyed by the token's SHA-256, never by the token.
 */
final class IntrospectionVerifier implements AccessTokenVerifier, CachedAnswers {

	private final ProviderHttp http;

	private final String endpoint;

	private final String issuer;

	private final Clock clock;

	private final Cache<String, VerifiedToken> cache;

	/**
	 * The cache keys by {@code jti}, for the shared signals: a CAEP session-revoked names
	 * the jti, the cache is keyed by the token's SHA-256. Kept with the cache (an entry
	 * removed from the cache is removed here).
	 */
	private final Map<String, String> keysByJti = new ConcurrentHashMap<>();

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
					.removalListener((String key, VerifiedToken token, RemovalCause cause) -> {
						// asynchronous: an answer cached again under the key since keeps
						// its entry
						if (cause != RemovalCause.REPLACED && token != null && key != null && jti(token) != null
								&& !stillCached(key)) {
							this.keysByJti.remove(jti(token), key);
						}
					})
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
			String jti = jti(verified);
			if (jti != null) {
				this.keysByJti.put(jti, key);
			}
		}
		return verified;
	}

	@Override
	public boolean sessionRevoked(String jti) {
		String key = (this.cache != null && jti != null) ? this.keysByJti.remove(jti) : null;
		if (key == null) {
			return false;
		}
		this.cache.invalidate(key);
		return true;
	}

	@Override
	public int accountDisabled(String agentId) {
		if (this.cache == null || agentId == null) {
			return 0;
		}
		// rare (a suspension), so a scan: the agent as the token's subject, its actor or
		// its client
		int dropped = 0;
		for (Map.Entry<String, VerifiedToken> entry : this.cache.asMap().entrySet()) {
			VerifiedToken token = entry.getValue();
			if (agentId.equals(token.subject()) || agentId.equals(token.actor()) || agentId.equals(token.clientId())) {
				this.cache.invalidate(entry.getKey());
				dropped++;
			}
		}
		return dropped;
	}

	private boolean stillCached(String key) {
		return this.cache.getIfPresent(key) != null;
	}

	private static String jti(VerifiedToken token) {
		return (token.claims().get("jti") instanceof String jti) ? jti : null;
	}

	static String withoutSlash(String value) {
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

	/** For tests: whether an answer is cached now. */
	boolean cached(String token) {
		return this.cache != null && this.cache.getIfPresent(DpopProofVerifier.sha256(token)) != null;
	}

}
