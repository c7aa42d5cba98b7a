package dev.agentidp.dpop;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies DPoP proofs (RFC 9449 §4.3): at a token endpoint, and at a resource server
 * against the DPoP-bound token presented with the proof ({@code ath}, §4.3 step 12).
 * <p>
 * Written by hand, not taken from Spring's {@code DPoPProofJwtDecoderFactory}, because
 * that one accepts RSA and EC keys only (no EdDSA, the agents' own key type), keeps used
 * {@code jti}s in an in-memory map of 1,000 entries (a proof replayed on another node, or
 * after 1,000 others, is accepted), and compares {@code htu} as a plain string where §4.3
 * asks for the RFC 3986 §6.2.2 and §6.2.3 normalisations. Single use is the
 * {@link ReplayCheck}'s: the provider's is its replay store in PostgreSQL, so it holds
 * across every node.
 * <p>
 * About 330 lines, deliberately one class: the checks of RFC 9449 §4.3 read top to bottom
 * in the RFC's order in {@link #verify}, with the URI normalisation and key handling they
 * need beside them.
 */
public final class DpopProofVerifier {

	/** RFC 9449 §4.2: the {@code typ} of a proof. */
	public static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

	/**
	 * The algorithms a proof may be signed with (what metadata lists as
	 * {@code dpop_signing_alg_values_supported}).
	 */
	public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519,
			JWSAlgorithm.ES256);

	/** Longest proof read; a longer one is refused unparsed. */
	public static final int MAX_PROOF_LENGTH = 8 * 1024;

	/** Longest {@code jti} kept for replay detection (the replay store's column). */
	private static final int MAX_JTI_LENGTH = 256;

	/** The members of a private JWK of any type (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
	private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

	private final ReplayCheck replays;

	private final Duration window;

	private final Clock clock;

	/**
	 * @param replays the single-use check of proof ids
	 * @param window how far a proof's {@code iat} may lie from now, either way
	 * @param clock the clock
	 */
	public DpopProofVerifier(ReplayCheck replays, Duration window, Clock clock) {
		Objects.requireNonNull(replays, "replays cannot be null");
		Objects.requireNonNull(clock, "clock cannot be null");
		if (window == null || window.isNegative()) {
			throw new IllegalArgumentException("window must not be negative");
		}
		this.replays = replays;
		this.window = window;
		this.clock = clock;
	}

	/**
	 * Verifies a proof and records its {@code jti} as used.
	 * @param proof the {@code DPoP} header's value
	 * @param method the request's method
	 * @param targetUri the request's URI (its query and fragment are ignored)
	 * @param accessToken the access token the request presents, or {@code null} (the
	 * token endpoint): when given, the proof must carry its hash ({@code ath})
	 * @return the verified proof
	 * @throws InvalidDpopProofException naming the first check that fails (RFC 9449 §7.1:
	 * {@code invalid_dpop_proof})
	 */
	public DpopProof verify(String proof, String method, String targetUri, String accessToken) {
		return verify(proof, method, targetUri, accessToken, null);
	}

	/**
	 * Verifies a proof, with the server-provided nonce it must carry, and records its
	 * {@code jti} as used. The nonce is checked after the signature, {@code htm} and
	 * {@code htu} and before {@code iat} and the replay check (RFC 9449 §4.3 step 10), so
	 * that a proof refused for its nonce does not use up its {@code jti}.
	 * @param proof the {@code DPoP} header's value
	 * @param method the request's method
	 * @param targetUri the request's URI (its query and fragment are ignored)
	 * @param accessToken the access token the request presents, or {@code null} (the
	 * token endpoint): when given, the proof must carry its hash ({@code ath})
	 * @param nonces the server's nonce check, or {@code null} when the server requires no
	 * nonce
	 * @return the verified proof
	 * @throws InvalidDpopProofException naming the first check that fails (RFC 9449 §7.1:
	 * {@code invalid_dpop_proof})
	 * @throws UseDpopNonceException when the proof's nonce is missing or not valid (RFC
	 * 9449 §8: {@code use_dpop_nonce})
	 */
	public DpopProof verify(String proof, String method, String targetUri, String accessToken, NonceCheck nonces) {
		Objects.requireNonNull(method, "method cannot be null");
		Objects.requireNonNull(targetUri, "targetUri cannot be null");
		if (proof == null || proof.isEmpty()) {
			throw invalid("The DPoP proof is missing");
		}
		if (proof.length() > MAX_PROOF_LENGTH) {
			throw invalid("The DPoP proof is larger than 8 KiB");
		}
		// RFC 9449 §4.3 steps 2-7: one well-formed JWS, typ dpop+jwt, an asymmetric
		// algorithm we accept, a public jwk in the header, the signature by that key
		SignedJWT jws;
		JWTClaimsSet claims;
		try {
			jws = SignedJWT.parse(proof);
			claims = jws.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			// Nimbus refuses to parse a header whose jwk is private: say so precisely
			throw invalid(carriesPrivateKey(proof) ? "The DPoP proof's jwk must not contain a private key"
					: "The DPoP proof is not a signed JWT");
		}
		JWSHeader header = jws.getHeader();
		if (!DPOP_JWT.equals(header.getType())) {
			throw invalid("The DPoP proof's typ must be dpop+jwt");
		}
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw invalid("The DPoP proof's alg must be one of EdDSA, Ed25519, ES256");
		}
		JWK jwk = header.getJWK();
		if (jwk == null) {
			throw invalid("The DPoP proof's header has no jwk");
		}
		if (jwk.isPrivate()) {
			throw invalid("The DPoP proof's jwk must not contain a private key");
		}
		PublicKey key = publicKey(jwk, header.getAlgorithm());
		try {
			if (!verifies(jws, key)) {
				throw invalid("The DPoP proof's signature does not verify with its jwk");
			}
		}
		catch (JOSEException ex) {
			throw invalid("The DPoP proof's signature does not verify with its jwk");
		}
		// steps 8, 9 and 11: htm, htu, iat; then jti (§11.1)
		String jti = stringClaim(claims, "jti");
		if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
			throw invalid("The DPoP proof needs a jti of 1-256 characters");
		}
		if (!method.equals(stringClaim(claims, "htm"))) {
			throw invalid("The DPoP proof's htm does not match the request's method " + method);
		}
		String htu = stringClaim(claims, "htu");
		if (htu == null || !normalised(htu).equals(normalised(targetUri))) {
			throw invalid("The DPoP proof's htu does not match the request's URI");
		}
		// step 10: the server-provided nonce, when the server requires one (§8, §9)
		if (nonces != null) {
			nonces.check(stringClaim(claims, "nonce"));
		}
		Instant issuedAt = issuedAt(claims);
		Instant now = this.clock.instant();
		if (issuedAt.isBefore(now.minus(this.window)) || issuedAt.isAfter(now.plus(this.window))) {
			throw invalid(
					"The DPoP proof's iat is outside the accepted window of " + this.window.toSeconds() + " seconds");
		}
		// step 12: the access token's hash, when a token is presented
		if (accessToken != null && !sha256(accessToken).equals(stringClaim(claims, "ath"))) {
			throw invalid("The DPoP proof's ath does not match the access token");
		}
		String thumbprint;
		try {
			thumbprint = jwk.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw invalid("The DPoP proof's jwk has no thumbprint");
		}
		// RFC 9449 §11.1: each proof is used once, on every node
		if (!this.replays.firstUse(thumbprint, jti, issuedAt.plus(this.window).plus(this.window))) {
			throw invalid("The DPoP proof was used before (its jti is single-use)");
		}
		return new DpopProof(thumbprint, jwk.toPublicJWK(), jti, issuedAt);
	}

	/** Whether the proof's header names a jwk with private members (RFC 7517 §4). */
	private static boolean carriesPrivateKey(String proof) {
		int dot = proof.indexOf('.');
		if (dot < 1) {
			return false;
		}
		try {
			Map<String, Object> header = JSONObjectUtils.parse(new Base64URL(proof.substring(0, dot)).decodeToString());
			return header.get("jwk") instanceof Map<?, ?> jwk && PRIVATE_MEMBERS.stream().anyMatch(jwk::containsKey);
		}
		catch (ParseException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The request URI as RFC 9449 §4.3 compares it: without query and fragment, scheme
	 * and host in lower case, the scheme's default port dropped, an empty path as
	 * {@code /}, dot segments removed (RFC 3986 §6.2.2 and §6.2.3).
	 * @param uri an absolute URI
	 * @return its normalised form, or an empty string when it is not an absolute http(s)
	 * URI (which then matches nothing)
	 */
	public static String normalised(String uri) {
		try {
			URI parsed = new URI(uri).normalize();
			String scheme = (parsed.getScheme() != null) ? parsed.getScheme().toLowerCase(Locale.ROOT) : null;
			if (parsed.getRawAuthority() == null || parsed.getHost() == null
					|| !("https".equals(scheme) || "http".equals(scheme))) {
				return "";
			}
			int port = parsed.getPort();
			boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
					|| ("http".equals(scheme) && port == 80);
			String path = (parsed.getRawPath() == null || parsed.getRawPath().isEmpty()) ? "/" : parsed.getRawPath();
			return scheme + "://" + parsed.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
					+ upperCasePercentEncodings(path);
		}
		catch (URISyntaxException ex) {
			return "";
		}
	}

	/** RFC 3986 §6.2.2.1: percent-encodings compare in upper case. */
	private static String upperCasePercentEncodings(String path) {
		StringBuilder out = new StringBuilder(path.length());
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			if (c == '%' && i + 2 < path.length()) {
				out.append('%')
					.append(Character.toUpperCase(path.charAt(i + 1)))
					.append(Character.toUpperCase(path.charAt(i + 2)));
				i += 2;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	/**
	 * The base64url SHA-256 of an access token, as {@code ath} carries it (RFC 9449
	 * §4.2).
	 * @param accessToken the token
	 * @return the hash
	 */
	public static String sha256(String accessToken) {
		try {
			return Base64URL
				.encode(MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)))
				.toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

	/** The jwk as a key of the algorithm's type (an Ed25519 OKP, or an EC P-256 key). */
	private static PublicKey publicKey(JWK jwk, JWSAlgorithm algorithm) {
		boolean ed25519 = jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
		boolean p256 = jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
		boolean edAlgorithm = JWSAlgorithm.EdDSA.equals(algorithm) || JWSAlgorithm.Ed25519.equals(algorithm);
		if ((edAlgorithm && !ed25519) || (JWSAlgorithm.ES256.equals(algorithm) && !p256)) {
			throw invalid("The DPoP proof's jwk is not a key for alg " + algorithm);
		}
		try {
			if (ed25519) {
				byte[] x = ((OctetKeyPair) jwk).getX().decode();
				// a key from the request: the full RFC 8032 §5.1.3 check, prime order
				// included
				if (x.length != Ed25519.PUBLIC_KEY_SIZE || !Ed25519.validatePublicKeyFull(x, 0)) {
					throw invalid("The DPoP proof's jwk is not a valid public key");
				}
				return new RawEd25519Key(x);
			}
			return ((ECKey) jwk).toECPublicKey();
		}
		catch (JOSEException | IllegalArgumentException ex) {
			throw invalid("The DPoP proof's jwk is not a valid public key");
		}
	}

	/**
	 * The signature, by the proof's own key: Ed25519 through BouncyCastle (Nimbus's own
	 * needs Tink), ES256 through {@link Es256Verifier} (BouncyCastle: the JDK's ECDSA
	 * verification costs about three times as much).
	 */
	private static boolean verifies(SignedJWT jws, PublicKey key) throws JOSEException {
		if (key instanceof RawEd25519Key ed) {
			byte[] signature = jws.getSignature().decode();
			byte[] input = jws.getSigningInput();
			return signature.length == Ed25519.SIGNATURE_SIZE
					&& Ed25519.verify(signature, 0, ed.encoded, 0, input, 0, input.length);
		}
		return jws.verify(new Es256Verifier((ECPublicKey) key));
	}

	private static Instant issuedAt(JWTClaimsSet claims) {
		Object iat = claims.getClaim("iat");
		if (!(iat instanceof Date date)) {
			throw invalid("The DPoP proof needs an iat (seconds since the epoch)");
		}
		return date.toInstant();
	}

	private static String stringClaim(JWTClaimsSet claims, String name) {
		return (claims.getClaim(name) instanceof String value) ? value : null;
	}

	private static InvalidDpopProofException invalid(String description) {
		return new InvalidDpopProofException(description);
	}

	/** An Ed25519 public key as its 32 raw bytes, checked in full. */
	private record RawEd25519Key(byte[] encoded) implements PublicKey {

		@Override
		public String getAlgorithm() {
			return "Ed25519";
		}

		@Override
		public String getFormat() {
			return "RAW";
		}

		@Override
		public byte[] getEncoded() {
			return this.encoded.clone();
		}

	}

}
