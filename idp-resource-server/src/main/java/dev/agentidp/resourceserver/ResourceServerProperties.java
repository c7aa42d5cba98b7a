package dev.agentidp.resourceserver;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the resource-server kit ({@code agentidp.resource-server.*}), checked
 * when it is bound. The kit is active once {@code resource} is set.
 *
 * @param issuer the provider's issuer ({@code iss}); its introspection, JWKS and AuthZEN
 * endpoints are found below it ({@code /oauth2/introspect}, {@code /oauth2/jwks},
 * {@code /access/v1/...})
 * @param resource this resource's identifier (RFC 8707, RFC 9728 {@code resource}): the
 * {@code resource} agents ask their tokens for, required in a token's {@code aud}
 * @param clientId the resource-server client's id at the provider (introspection and the
 * policy decision point)
 * @param clientSecret its secret ({@code client_secret_basic}), or none when it
 * authenticates with its key
 * @param clientJwk its private key as a JWK (Ed25519 or P-256; {@code private_key_jwt},
 * RFC 7523), or none when it authenticates with its secret: exactly one of the two
 * @param tokenCheck {@code introspection} (default) or {@code jwt}
 * @param introspectionCacheTtl how long an active introspection answer is reused (default
 * 0: never; at most 5 minutes, and never past the token's {@code exp}): the longest a
 * revoked token may still be accepted
 * @param introspectionCacheSize how many answers the cache keeps (default 10,000)
 * @param dpopProofWindow how far a DPoP proof's {@code iat} may lie from now, either way
 * (default 60 s, 1 s to 10 minutes; RFC 9449 §11.1)
 * @param dpopReplayCacheSize how many proof ids the default in-memory replay check keeps
 * (default 100,000); a proof beyond it is refused rather than forgotten
 * @param dpopBoundAccessTokensRequired whether only DPoP-bound tokens are accepted (RFC
 * 9728 {@code dpop_bound_access_tokens_required}; default false)
 * @param scopesSupported the scopes this resource names in its metadata
 * @param clockSkew the skew tolerated on a JWT's {@code exp} and {@code nbf} (default 60
 * s)
 * @param jwksMinRefreshInterval the shortest time between two JWKS fetches, unknown
 * {@code kid}s included (default 30 s)
 * @param timeout connect and read timeout of every call to the provider (default 5 s)
 * @param publicPaths paths the default security chain lets through without a token,
 * beside the metadata (Ant patterns, e.g. {@code /actuator/health})
 * @param signals the provider's shared signals (OpenID SSF poll stream): off by default
 */
@ConfigurationProperties("agentidp.resource-server")
@Validated
public record ResourceServerProperties(@NotNull(message = "must be the provider's issuer") URI issuer,
		@NotNull(message = "must be this resource's identifier") URI resource, String clientId, String clientSecret,
		String clientJwk, @DefaultValue("introspection") @NotNull TokenCheck tokenCheck,
		@DefaultValue("0s") @DurationMin(seconds = 0) @DurationMax(minutes = 5) Duration introspectionCacheTtl,
		@DefaultValue("10000") @Min(1) int introspectionCacheSize,
		@DefaultValue("60s") @DurationMin(seconds = 1) @DurationMax(minutes = 10) Duration dpopProofWindow,
		@DefaultValue("100000") @Min(1000) @Max(10_000_000) int dpopReplayCacheSize,
		@DefaultValue("false") boolean dpopBoundAccessTokensRequired, List<String> scopesSupported,
		@DefaultValue("60s") @DurationMin(seconds = 0) @DurationMax(minutes = 10) Duration clockSkew,
		@DefaultValue("30s") @DurationMin(seconds = 1) Duration jwksMinRefreshInterval,
		@DefaultValue("5s") @DurationMin(millis = 100) @DurationMax(minutes = 1) Duration timeout,
		List<String> publicPaths, @DefaultValue @Valid Signals signals) {

	public ResourceServerProperties {
		scopesSupported = (scopesSupported != null) ? List.copyOf(scopesSupported) : List.of();
		publicPaths = (publicPaths != null) ? List.copyOf(publicPaths) : List.of();
		signals = (signals != null) ? signals : new Signals(false, Duration.ofSeconds(1));
	}

	/**
	 * The provider's shared signals ({@code agentidp.resource-server.signals.*}): with
	 * them on, the kit creates an OpenID SSF poll stream at start (deleted at stop),
	 * polls it, verifies each SET against the provider's JWKS, and drops the cached
	 * introspection answers a CAEP {@code session-revoked} (by jti) or RISC
	 * {@code account-disabled} (by agent) names: a cached answer then outlives a
	 * revocation by the delivery time, not by {@code introspection-cache-ttl}.
	 *
	 * @param enabled whether the kit subscribes (default {@code false})
	 * @param pollInterval how often it polls (default 1 s, 100 ms to 1 minute)
	 */
	public record Signals(@DefaultValue("false") boolean enabled,
			@DefaultValue("1s") @DurationMin(millis = 100) @DurationMax(minutes = 1) Duration pollInterval) {
	}

	/**
	 * The issuer without a trailing slash, to which endpoint paths are appended.
	 * @return the base URL
	 */
	String issuerBase() {
		String value = this.issuer.toString();
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

}
