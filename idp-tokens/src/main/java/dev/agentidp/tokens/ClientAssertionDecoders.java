package dev.agentidp.tokens;

import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentProfile;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.util.Assert;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Decodes {@code private_key_jwt} client assertions (RFC 7523) with the keys registered
 * for the client: an agent's usable keys straight from the registry (no
 * {@code jwk_set_url}), or a non-agent client's registered key. Plugged into Spring's
 * {@code JwtClientAssertionAuthenticationProvider}, whose own decoder factory knows only
 * {@code jwk_set_url} and client secrets and has no EdDSA (docs/tokens.md "Design
 * notes").
 * <p>
 * Accepted algorithms: Ed25519 as {@code EdDSA} or RFC 9864's {@code Ed25519} (verified
 * with BouncyCastle), and ES256. The claims checks are RFC 7523 §3, plus a cap on the
 * assertion's lifetime and single use of its {@code jti} across every node.
 */
final class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

	/**
	 * RFC 7523 §3 (4): how far ahead an assertion may expire, unless configured
	 * ({@code idp.tokens.max-client-assertion-lifetime}).
	 */
	static final Duration MAX_LIFETIME = TokensProperties.DEFAULT_MAX_CLIENT_ASSERTION_LIFETIME;

	/**
	 * RFC 7523 §3 (6): how far in the past {@code iat} and {@code nbf} may lie before the
	 * assertion is "unreasonably far in the past" (this also refuses overflowed values),
	 * unless the configured lifetime is longer.
	 */
	static final Duration MAX_AGE = Duration.ofHours(1);

	/**
	 * What a client over its cap of failed authentications is told, and what is audited.
	 */
	static final String TOO_MANY_FAILURES = "too many failed authentications";

	private static final String REPLAYED = "the assertion was already used (replayed jti)";

	private static final StrictJoseVerifiers VERIFIERS = new StrictJoseVerifiers();

	private static final MappedJwtClaimSetConverter CLAIMS = MappedJwtClaimSetConverter
		.withDefaults(Map.of(JwtClaimNames.ISS, (issuer) -> (issuer != null) ? issuer.toString() : null,
				JwtClaimNames.AUD, ClientAssertionDecoders::audience));

	private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
			JOSEObjectType.JWT, new JOSEObjectType("client-authentication+jwt"), null);

	private final ClientAssertions assertions;

	private final Duration clockSkew;

	private final Clock clock;

	private final FailedAuthentications failures;

	private final Duration maxLifetime;

	private final Duration maxAge;

	private final WorkloadAssertions workloads;

	ClientAssertionDecoders(ClientAssertions assertions, Duration clockSkew, Clock clock) {
		this(assertions, clockSkew, TokensProperties.DEFAULT_MAX_FAILED_AUTHENTICATIONS, MAX_LIFETIME, clock);
	}

	/** Failures counted on this node only (tests without a database). */
	ClientAssertionDecoders(ClientAssertions assertions, Duration clockSkew, int maxFailures, Duration maxLifetime,
			Clock clock) {
		this(assertions, clockSkew, new FailedAuthentications(maxFailures, clock), maxLifetime, clock);
	}

	ClientAssertionDecoders(ClientAssertions assertions, Duration clockSkew, FailedAuthentications failures,
			Duration maxLifetime, Clock clock) {
		this(assertions, clockSkew, failures, maxLifetime, null, clock);
	}

	/**
	 * @param workloads the verifier of workload identities' tokens, or {@code null} to
	 * accept only the clients' own keys
	 */
	ClientAssertionDecoders(ClientAssertions assertions, Duration clockSkew, FailedAuthentications failures,
			Duration maxLifetime, WorkloadAssertions workloads, Clock clock) {
		Assert.notNull(assertions, "assertions cannot be null");
		Assert.notNull(clockSkew, "clockSkew cannot be null");
		Assert.isTrue(!clockSkew.isNegative(), "clockSkew cannot be negative");
		Assert.notNull(clock, "clock cannot be null");
		Assert.notNull(failures, "failures cannot be null");
		Assert.isTrue(maxLifetime != null && maxLifetime.isPositive(), "maxLifetime must be positive");
		this.maxLifetime = maxLifetime;
		this.maxAge = (maxLifetime.compareTo(MAX_AGE) > 0) ? maxLifetime : MAX_AGE;
		this.assertions = assertions;
		this.clockSkew = clockSkew;
		this.clock = clock;
		this.failures = failures;
		this.workloads = workloads;
	}

	/**
	 * The decoder built for each registered client, while the keys it verifies with are
	 * the client's usable keys (issue 22: building the processor and decompressing the
	 * Ed25519 points took 3 % of an issuance's request-thread samples, JFR). A registered
	 * client stands for one agent version or one client row ({@link RegistryClients}), so
	 * its keys change only when a retiring key's grace period ends: the decoder is kept
	 * until the first such end. Keyed by identity, and gone with its registered client.
	 */
	private final Cache<RegisteredClient, BuiltDecoder> decoders = Caffeine.newBuilder()
		.weakKeys()
		.maximumSize(10_000)
		.build();

	@Override
	public JwtDecoder createDecoder(RegisteredClient client) {
		Instant now = this.clock.instant();
		BuiltDecoder built = this.decoders.getIfPresent(client);
		if (built == null || now.isBefore(built.builtAt()) || !now.isBefore(built.validUntil())) {
			built = new BuiltDecoder(build(client, now), now, keysValidUntil(client, now));
			this.decoders.put(client, built);
		}
		return built.decoder();
	}

	/** A decoder, when it was built, and until when its keys are the client's. */
	private record BuiltDecoder(JwtDecoder decoder, Instant builtAt, Instant validUntil) {
	}

	/**
	 * When the first of the agent's keys usable now stops being usable (a retiring key's
	 * end), or never.
	 */
	private static Instant keysValidUntil(RegisteredClient client, Instant now) {
		return RegistryClients.agentOf(client)
			.map((agent) -> agent.usableKeys(now)
				.stream()
				.map(AgentKey::expiresAt)
				.filter((expiresAt) -> expiresAt != null)
				.min(Instant::compareTo)
				.orElse(Instant.MAX))
			.orElse(Instant.MAX);
	}

	private JwtDecoder build(RegisteredClient client, Instant now) {
		List<JWK> keys = keysOf(client, now);
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new RegisteredKeySelector(keys));
		processor.setJWSVerifierFactory(VERIFIERS);
		processor.setJWSTypeVerifier(TYPES);
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		// an agent's iss is its UUID: skip the default attempt to read it as a URL, which
		// throws and catches an exception on every assertion (BENCHMARKS.md)
		decoder.setClaimSetConverter(CLAIMS);
		decoder.setJwtValidator(new AssertionValidator(client.getClientId()));
		String clientId = client.getClientId();
		// an agent that declares workload identities may present their issuers' tokens
		// (docs/workload-identity.md); for every other client nothing more is read
		Agent agent = (this.workloads != null) ? RegistryClients.agentOf(client).orElse(null) : null;
		AgentProfile federated = (agent != null && !agent.profile().workloadIdentity().isEmpty()) ? agent.profile()
				: null;
		return (assertion) -> {
			String source = source();
			// a client backing off from this source is refused before any signature work
			if (this.failures.exceeded(clientId, source)) {
				throw new JwtValidationException(TOO_MANY_FAILURES,
						List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, TOO_MANY_FAILURES, null)));
			}
			Jwt decoded;
			try {
				boolean spiffe = SpiffeClientAssertionConverter.isSpiffe(request());
				if (spiffe && federated == null) {
					String refusal = "Client assertion rejected: a jwt-spiffe assertion is accepted only from an"
							+ " agent that declares a workload identity";
					throw new JwtValidationException(refusal,
							List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, refusal, null)));
				}
				decoded = (federated != null && WorkloadAssertions.isFederated(clientId, federated, assertion, spiffe))
						? this.workloads.verify(clientId, federated, assertion, spiffe) : decoder.decode(assertion);
			}
			catch (JwtException ex) {
				LastSeenAgentAuthentication.Guess guess = LastSeenAgentAuthentication.current();
				if (guess == null || !guess.trying()) {
					// only the run on the registry's agent counts; a guess's refusal is
					// not answered
					this.failures.failed(clientId, source);
				}
				throw ex;
			}
			this.failures.succeeded(clientId, source);
			return decoded;
		};
	}

	/** The address of the request being authenticated ({@link RequestSource}). */
	/** The request being authenticated, or {@code null} outside one. */
	private static jakarta.servlet.http.HttpServletRequest request() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		return (attributes instanceof ServletRequestAttributes servlet) ? servlet.getRequest() : null;
	}

	private static String source() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes instanceof ServletRequestAttributes servlet) {
			return RequestSource.of(servlet.getRequest().getRemoteAddr());
		}
		return RequestSource.UNKNOWN;
	}

	private static List<JWK> keysOf(RegisteredClient client, Instant now) {
		Agent agent = RegistryClients.agentOf(client).orElse(null);
		if (agent != null) {
			return agent.usableKeys(now).stream().map(AgentKey::jwk).toList();
		}
		JWK jwk = client.getClientSettings().getSetting(RegistryClients.CLIENT_JWK);
		return (jwk != null) ? List.of(jwk) : List.of();
	}

	private static boolean algorithmFits(JWSAlgorithm alg, JWK key) {
		if (key.getKeyType() == com.nimbusds.jose.jwk.KeyType.OKP) {
			return JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg);
		}
		return JWSAlgorithm.ES256.equals(alg) && key.getKeyType() == com.nimbusds.jose.jwk.KeyType.EC;
	}

	/**
	 * Selects the registered keys that fit the header's {@code kid} and algorithm, each
	 * turned into a public key once.
	 */
	private static final class RegisteredKeySelector implements JWSKeySelector<SecurityContext> {

		private final List<JWK> keys;

		private final List<PublicKey> publicKeys;

		RegisteredKeySelector(List<JWK> keys) {
			this.keys = keys;
			List<PublicKey> publicKeys = new ArrayList<>(keys.size());
			for (JWK key : keys) {
				publicKeys.add(publicKeyOrNull(key));
			}
			this.publicKeys = publicKeys;
		}

		/** A key that cannot be one fails when selected, as it did before it was kept. */
		private static PublicKey publicKeyOrNull(JWK key) {
			try {
				return SigningKeyMaterial.toPublicKey(key);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}

		@Override
		public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) {
			List<PublicKey> selected = new ArrayList<>(1);
			for (int i = 0; i < this.keys.size(); i++) {
				JWK key = this.keys.get(i);
				if ((header.getKeyID() == null || header.getKeyID().equals(key.getKeyID()))
						&& algorithmFits(header.getAlgorithm(), key)) {
					PublicKey publicKey = this.publicKeys.get(i);
					selected.add((publicKey != null) ? publicKey : SigningKeyMaterial.toPublicKey(key));
				}
			}
			return selected;
		}

	}

	/** RFC 7523 §3 claims checks, run after the signature verified. */
	private final class AssertionValidator implements OAuth2TokenValidator<Jwt> {

		private final String clientId;

		AssertionValidator(String clientId) {
			this.clientId = clientId;
		}

		@Override
		public OAuth2TokenValidatorResult validate(Jwt assertion) {
			Instant now = ClientAssertionDecoders.this.clock.instant();
			Duration skew = ClientAssertionDecoders.this.clockSkew;
			// RFC 7523 §3 (1) and (2): iss and sub are the client id
			if (!this.clientId.equals(assertion.getClaimAsString("iss"))
					|| !this.clientId.equals(assertion.getClaimAsString("sub"))) {
				return failure("iss and sub must both be the client id");
			}
			// RFC 7523 §3 (3): aud identifies this authorization server
			if (!audienceFits(assertion.getAudience())) {
				return failure("aud must contain the issuer or the token endpoint URL");
			}
			// RFC 7523 §3 (4): exp is required, not passed, and not far ahead
			Instant expiresAt = assertion.getExpiresAt();
			if (expiresAt == null) {
				return failure("exp is required");
			}
			if (!now.minus(skew).isBefore(expiresAt)) {
				return failure("the assertion has expired");
			}
			Duration maxLifetime = ClientAssertionDecoders.this.maxLifetime;
			if (expiresAt.isAfter(now.plus(maxLifetime).plus(skew))) {
				return failure("the assertion expires more than " + maxLifetime.toMinutes() + " minutes ahead (exp)");
			}
			// RFC 7523 §3 (5) and (6): not used before nbf, not issued in the future, and
			// neither unreasonably far in the past
			if (assertion.getNotBefore() != null && assertion.getNotBefore().isAfter(now.plus(skew))) {
				return failure("the assertion is not yet valid (nbf)");
			}
			if (assertion.getIssuedAt() != null && assertion.getIssuedAt().isAfter(now.plus(skew))) {
				return failure("the assertion is issued in the future (iat)");
			}
			Duration maxAge = ClientAssertionDecoders.this.maxAge;
			Instant oldest = now.minus(maxAge);
			if ((assertion.getIssuedAt() != null && assertion.getIssuedAt().isBefore(oldest))
					|| (assertion.getNotBefore() != null && assertion.getNotBefore().isBefore(oldest))) {
				return failure("iat and nbf must be within the last " + maxAge.toMinutes() + " minutes");
			}
			// RFC 7523 §3 (7): jti is required and accepted once
			String jti = assertion.getId();
			if (jti == null || jti.isEmpty() || jti.length() > 256 || jti.chars().anyMatch(Character::isISOControl)) {
				return failure("jti is required (at most 256 characters, no control characters)");
			}
			return firstUse(jti, expiresAt.plus(skew));
		}

		/**
		 * RFC 7523 §3 (7), the jti's first use; on the agent as this node last saw it
		 * ({@link LastSeenAgentAuthentication}), read with the agent's version in the
		 * same statement, which must be the version that verified the assertion.
		 */
		private OAuth2TokenValidatorResult firstUse(String jti, Instant keepUntil) {
			ClientAssertions assertions = ClientAssertionDecoders.this.assertions;
			LastSeenAgentAuthentication.Guess guess = LastSeenAgentAuthentication.current();
			if (guess != null && guess.trying()) {
				ClientAssertions.Use use = assertions.firstUseReadingVersion(this.clientId, jti, keepUntil,
						AgentId.of(this.clientId));
				if (!use.first()) {
					return failure(REPLAYED);
				}
				if (use.activeVersion() == null || use.activeVersion() != guess.version()) {
					// never answered: authenticated again on the registry's agent
					guess.consumed(this.clientId, jti);
					return failure("the agent changed since this node last saw it");
				}
				guess.confirm();
				return OAuth2TokenValidatorResult.success();
			}
			if (guess != null && guess.consumedHere(this.clientId, jti)) {
				// recorded by this request's run on the last seen agent
				return OAuth2TokenValidatorResult.success();
			}
			if (!assertions.firstUse(this.clientId, jti, keepUntil)) {
				return failure(REPLAYED);
			}
			return OAuth2TokenValidatorResult.success();
		}

		private boolean audienceFits(List<String> audience) {
			if (audience == null || audience.isEmpty()) {
				return false;
			}
			AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
			if (context == null) {
				return false;
			}
			String issuer = context.getIssuer();
			String tokenEndpoint = issuer + context.getAuthorizationServerSettings().getTokenEndpoint();
			Set<String> accepted = Set.of(stripSlash(issuer), tokenEndpoint);
			return audience.stream().map(ClientAssertionDecoders::stripSlash).anyMatch(accepted::contains);
		}

		private static OAuth2TokenValidatorResult failure(String description) {
			return OAuth2TokenValidatorResult
				.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client assertion rejected: " + description,
						"https://datatracker.ietf.org/doc/html/rfc7523#section-3"));
		}

	}

	/**
	 * RFC 7519 §4.1.3: {@code aud} is one StringOrURI or an array of them. Any other
	 * shape (a null or non-string member, which Spring's default conversion would keep or
	 * turn into text) drops the claim, so that the assertion is refused for lacking it.
	 */
	private static List<String> audience(Object aud) {
		if (aud instanceof String single) {
			return List.of(single);
		}
		if (aud instanceof Collection<?> members && !members.isEmpty()
				&& members.stream().allMatch(String.class::isInstance)) {
			return members.stream().map(String.class::cast).toList();
		}
		return null;
	}

	/** A URL without its trailing slash, as issuers and audiences are compared. */
	static String stripSlash(String value) {
		return (value != null && value.endsWith("/")) ? value.substring(0, value.length() - 1) : value;
	}

}
