package dev.agentidp.resourceserver;

import java.net.MalformedURLException;
import java.net.URI;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.dpop.Es256Verifier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checks a token locally as an RFC 9068 JWT access token, which Spring's stock decoder
 * does not do for this provider (no EdDSA keys, and {@code typ at+jwt} refused unless
 * configured): header {@code typ} {@code at+jwt} (§4), {@code alg} ES256 or EdDSA (both
 * through BouncyCastle: Ed25519 directly, ES256 by {@link Es256Verifier}), the key from
 * the provider's JWKS by {@code kid}, then {@code iss} = the issuer, {@code exp} and
 * {@code nbf} within the clock skew, a {@code sub} (§2.2). The JWKS is cached; a
 * {@code kid} it does not hold makes it fetched again, at most once per
 * {@code jwks-min-refresh-interval} (key rotation). A revoked token counts until it
 * expires: introspection is the mode that sees revocations.
 */
final class JwtVerifier implements AccessTokenVerifier {

	/** RFC 9068 §4. */
	private static final Set<JOSEObjectType> TYPES = Set.of(new JOSEObjectType("at+jwt"),
			new JOSEObjectType("application/at+jwt"));

	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA,
			JWSAlgorithm.Ed25519);

	/** Longest token read. */
	private static final int MAX_TOKEN = 16 * 1024;

	private final JWKSource<SecurityContext> keys;

	private final String issuer;

	private final Duration skew;

	private final Clock clock;

	JwtVerifier(JWKSource<SecurityContext> keys, ResourceServerProperties properties, Clock clock) {
		this.keys = keys;
		this.issuer = properties.issuerBase();
		this.skew = properties.clockSkew();
		this.clock = clock;
	}

	/**
	 * The provider's JWKS ({@code <issuer>/oauth2/jwks}), cached for five minutes,
	 * fetched again on an unknown {@code kid} at most once per the minimum interval.
	 */
	static JWKSource<SecurityContext> jwks(ResourceServerProperties properties) {
		int timeout = (int) properties.timeout().toMillis();
		long interval = properties.jwksMinRefreshInterval().toMillis();
		try {
			return JWKSourceBuilder
				.<SecurityContext>create(URI.create(properties.issuerBase() + "/oauth2/jwks").toURL(),
						new DefaultResourceRetriever(timeout, timeout, 512 * 1024))
				.cache(Math.max(Duration.ofMinutes(5).toMillis(), interval + 1), timeout)
				.rateLimited(interval)
				.retrying(false)
				.refreshAheadCache(false)
				.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("agentidp.resource-server.issuer is not a URL", ex);
		}
	}

	@Override
	public VerifiedToken verify(String token) {
		if (token.length() > MAX_TOKEN) {
			throw new InvalidAccessTokenException("The access token is larger than 16 KiB");
		}
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			jwt = SignedJWT.parse(token);
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new InvalidAccessTokenException("The access token is not a signed JWT");
		}
		JWSHeader header = jwt.getHeader();
		// RFC 9068 §4: typ at+jwt, so that no other JWT of the issuer passes as a token
		if (header.getType() == null || !TYPES.contains(header.getType())) {
			throw new InvalidAccessTokenException("The access token's typ must be at+jwt (RFC 9068)");
		}
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw new InvalidAccessTokenException("The access token's alg must be ES256 or EdDSA");
		}
		if (!signatureVerifies(jwt, header)) {
			throw new InvalidAccessTokenException(
					"The access token's signature does not verify with the issuer's keys");
		}
		// RFC 9068 §4 (RFC 7519 §4.1): iss, exp, nbf
		if (claims.getIssuer() == null || !IntrospectionVerifier.withoutSlash(claims.getIssuer()).equals(this.issuer)) {
			throw new InvalidAccessTokenException("The access token is another issuer's");
		}
		Instant now = this.clock.instant();
		Date exp = claims.getExpirationTime();
		if (exp == null || !now.minus(this.skew).isBefore(exp.toInstant())) {
			throw new InvalidAccessTokenException("The access token has expired");
		}
		Date nbf = claims.getNotBeforeTime();
		if (nbf != null && nbf.toInstant().isAfter(now.plus(this.skew))) {
			throw new InvalidAccessTokenException("The access token is not valid yet");
		}
		Map<String, Object> values = new java.util.LinkedHashMap<>(claims.toJSONObject());
		return VerifiedToken.of(values);
	}

	private boolean signatureVerifies(SignedJWT jwt, JWSHeader header) {
		List<JWK> candidates;
		try {
			candidates = this.keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
		}
		catch (RateLimitReachedException ex) {
			// an unknown kid while the JWKS was fetched moments ago: not a key of the
			// issuer
			return false;
		}
		catch (KeySourceException ex) {
			throw new ProviderUnavailableException("The provider's JWKS could not be read", ex);
		}
		for (JWK key : candidates) {
			try {
				if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())
						&& !JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
					byte[] x = okp.getX().decode();
					byte[] signature = jwt.getSignature().decode();
					byte[] input = jwt.getSigningInput();
					if (x.length == Ed25519.PUBLIC_KEY_SIZE && signature.length == Ed25519.SIGNATURE_SIZE
							&& Ed25519.verify(signature, 0, x, 0, input, 0, input.length)) {
						return true;
					}
				}
				else if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())
						&& JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
					ECPublicKey publicKey = ec.toECPublicKey();
					if (jwt.verify(new Es256Verifier(publicKey))) {
						return true;
					}
				}
			}
			catch (JOSEException | IllegalArgumentException ex) {
				// a key that cannot verify: try the next one
			}
		}
		return false;
	}

}
