package dev.agentidp.tokens;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.WorkloadIdentities;
import dev.agentidp.registry.WorkloadIdentity;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.util.Assert;

/**
 * Verifies an agent's client assertion that is a token of one of its workload identities
 * (workload identity federation, docs/workload-identity.md): a Kubernetes projected
 * service-account token, a SPIFFE JWT-SVID (draft-ietf-oauth-spiffe-client-auth) or an
 * OIDC ID token, from a trusted issuer, presented as the agent's {@code client_assertion}
 * (RFC 7523 §2.2). Only agents whose document declares a workload identity come here; the
 * ordinary {@code private_key_jwt} path reads nothing of this.
 * <p>
 * The checks, in order: an asymmetric JWS (never {@code alg} {@code none} nor an HMAC,
 * RFC 8725 §3.1), an {@code iss} that is a trusted issuer of a kind that may authenticate
 * (not an {@code attester}) and one of the agent's declared workload identities, the
 * signature by one of its keys (fetched by {@link IssuerKeys}), {@code sub} the declared
 * subject (and the issuer's {@code subjectPattern}, and for SPIFFE its trust domain),
 * {@code aud} this provider (RFC 7523 §3 (3)), {@code exp}, {@code nbf} and {@code iat}
 * (RFC 7523 §3 (4)-(6), with the issuer's {@code maxTokenAgeSeconds}), and a {@code jti},
 * when present, used once (RFC 7523 §3 (7)).
 */
final class WorkloadAssertions {

	/** RFC 8725 §3.1 and §3.2: the algorithms a workload's token may be signed with. */
	static final Set<JWSAlgorithm> ALGORITHMS = IssuerSignatures.ALGORITHMS;

	private static final String SPEC = "https://datatracker.ietf.org/doc/html/rfc7523#section-3";

	private final TrustedIssuers issuers;

	private final IssuerSignatures signatures;

	private final ClientAssertions replays;

	private final Duration clockSkew;

	private final Clock clock;

	WorkloadAssertions(TrustedIssuers issuers, IssuerKeys keys, ClientAssertions replays, Duration clockSkew,
			Clock clock) {
		Assert.notNull(issuers, "issuers cannot be null");
		Assert.notNull(keys, "keys cannot be null");
		Assert.notNull(replays, "replays cannot be null");
		Assert.notNull(clockSkew, "clockSkew cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.issuers = issuers;
		this.signatures = new IssuerSignatures(keys);
		this.replays = replays;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	/**
	 * Whether an assertion is meant for this path: the agent declares workload identities
	 * and the assertion's {@code iss} is not the agent itself. Read without verifying
	 * anything.
	 * @param clientId the agent's client id
	 * @param profile its profile
	 * @param assertion the assertion
	 * @return whether {@link #verify} is to decide
	 */
	static boolean isFederated(String clientId, AgentProfile profile, String assertion, boolean spiffe) {
		if (profile.workloadIdentity().isEmpty()) {
			return false;
		}
		if (spiffe) {
			// draft-ietf-oauth-spiffe-client-auth: a JWT-SVID is always a workload's
			// token
			return true;
		}
		try {
			String issuer = JWTParser.parse(assertion).getJWTClaimsSet().getIssuer();
			return issuer != null && !issuer.equals(clientId);
		}
		catch (ParseException ex) {
			return false;
		}
	}

	/**
	 * Verifies a workload's token presented as an agent's client assertion.
	 * @param clientId the agent's client id
	 * @param profile its profile
	 * @param assertion the assertion
	 * @return the verified assertion
	 * @throws JwtValidationException ({@code invalid_client}) naming the first check that
	 * failed
	 */
	Jwt verify(String clientId, AgentProfile profile, String assertion) {
		return verify(clientId, profile, assertion, false);
	}

	/**
	 * Verifies a workload's token presented as an agent's client assertion.
	 * @param clientId the agent's client id
	 * @param profile its profile
	 * @param assertion the assertion
	 * @param spiffe whether it came as a JWT-SVID
	 * ({@link SpiffeClientAssertionConverter#JWT_SPIFFE}): then {@code sub} must be a
	 * SPIFFE ID, and {@code iss} may be absent, the issuer then being the agent's trusted
	 * {@code spiffe} issuer that declares the ID
	 * @return the verified assertion
	 * @throws JwtValidationException ({@code invalid_client}) naming the first check that
	 * failed
	 */
	Jwt verify(String clientId, AgentProfile profile, String assertion, boolean spiffe) {
		JWT parsed;
		JWTClaimsSet claims;
		try {
			parsed = JWTParser.parse(assertion);
			claims = parsed.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw failure("the assertion is not a JWT");
		}
		// RFC 8725 §3.1: never an unsecured JWT, never a key the client could know
		if (!(parsed instanceof SignedJWT jws)) {
			throw failure("the assertion must be signed (alg none, or an encrypted JWT, is refused)");
		}
		JWSAlgorithm alg = jws.getHeader().getAlgorithm();
		if (!ALGORITHMS.contains(alg)) {
			throw failure("alg " + alg + " is refused: a workload's token must be signed with RS*, PS*, ES* or EdDSA");
		}
		String claimed = claims.getIssuer();
		if (spiffe) {
			String sub = claims.getSubject();
			if (sub == null || WorkloadIdentities.trustDomain(sub).isEmpty()) {
				throw failure("a jwt-spiffe assertion's sub must be a SPIFFE ID (spiffe://<trust domain>/<path>)");
			}
			if (claimed == null) {
				// the draft makes iss optional in a JWT-SVID: the agent's own declaration
				// of
				// this SPIFFE ID names the issuer, which must be a trusted spiffe issuer
				claimed = spiffeIssuerOf(profile, sub);
			}
		}
		String iss = claimed;
		List<WorkloadIdentity> declared = profile.workloadIdentitiesOf(iss);
		if (declared.isEmpty()) {
			throw failure("iss " + iss + " is neither the client id nor the issuer of one of its workload identities");
		}
		TrustedIssuer issuer = this.issuers.find(iss)
			.orElseThrow(() -> failure("iss " + iss + " is not a trusted issuer"));
		TrustedIssuerSettings settings = issuer.settings();
		if (settings.kind() == TrustedIssuerKind.ATTESTER) {
			throw failure("iss " + iss + " is an attester: its tokens are attestations, not client assertions");
		}
		verifySignature(issuer, jws);
		checkSubject(settings, declared, claims.getSubject());
		// RFC 7523 §3 (3): aud identifies this authorization server
		if (!audienceFits(settings, claims.getAudience())) {
			throw failure("aud must contain " + (settings.audiences().isEmpty() ? "the issuer or the token endpoint URL"
					: "one of the trusted issuer's audiences"));
		}
		Instant expiresAt = checkTimes(settings, claims);
		// RFC 7523 §3 (7): a jti, when the issuer writes one, is accepted once
		String jti = claims.getJWTID();
		if (jti != null) {
			if (jti.isEmpty() || jti.length() > 256 || jti.chars().anyMatch(Character::isISOControl)) {
				throw failure("jti must be at most 256 characters, without control characters");
			}
			if (!this.replays.firstUse(clientId, "workload:" + jti, expiresAt.plus(this.clockSkew))) {
				throw failure("the assertion was already used (replayed jti)");
			}
		}
		return Jwt.withTokenValue(assertion)
			.headers((headers) -> headers.putAll(jws.getHeader().toJSONObject()))
			.claims((all) -> {
				all.putAll(claims.toJSONObject());
				all.put("iat", claims.getIssueTime().toInstant());
				all.put("exp", expiresAt);
				all.put("aud", claims.getAudience());
				if (claims.getNotBeforeTime() != null) {
					all.put("nbf", claims.getNotBeforeTime().toInstant());
				}
			})
			.build();
	}

	/** The trusted {@code spiffe} issuer by which the agent declares this SPIFFE ID. */
	private String spiffeIssuerOf(AgentProfile profile, String spiffeId) {
		return profile.workloadIdentity()
			.stream()
			.filter((identity) -> identity.subject().equals(spiffeId))
			.map(WorkloadIdentity::issuer)
			.filter((issuer) -> this.issuers.find(issuer)
				.filter((trusted) -> trusted.settings().kind() == TrustedIssuerKind.SPIFFE)
				.isPresent())
			.findFirst()
			.orElseThrow(() -> failure("sub " + spiffeId + " is not a workload identity of this agent from a"
					+ " trusted spiffe issuer (the JWT-SVID names no iss)"));
	}

	private void verifySignature(TrustedIssuer issuer, SignedJWT jws) {
		String failure = this.signatures.verify(issuer, jws);
		if (failure != null) {
			throw failure(failure);
		}
	}

	private static void checkSubject(TrustedIssuerSettings settings, List<WorkloadIdentity> declared, String sub) {
		if (sub == null || sub.isEmpty()) {
			throw failure("sub is required");
		}
		if (settings.kind() == TrustedIssuerKind.SPIFFE) {
			// draft-ietf-oauth-spiffe-client-auth: sub is the SPIFFE ID, in the trust
			// domain
			// the issuer vouches for
			String trustDomain = WorkloadIdentities.trustDomain(sub)
				.orElseThrow(() -> failure("sub must be a SPIFFE ID (spiffe://<trust domain>/<path>)"));
			if (!trustDomain.equals(settings.trustDomain())) {
				throw failure("the SPIFFE ID's trust domain " + trustDomain + " is not the issuer's ("
						+ settings.trustDomain() + ")");
			}
		}
		if (settings.subjectPattern() != null && !Pattern.compile(settings.subjectPattern()).matcher(sub).matches()) {
			throw failure("sub does not match the trusted issuer's subjectPattern");
		}
		if (declared.stream().noneMatch((identity) -> identity.subject().equals(sub))) {
			throw failure("sub " + sub + " is not a workload identity of this agent");
		}
	}

	private Instant checkTimes(TrustedIssuerSettings settings, JWTClaimsSet claims) {
		Instant now = this.clock.instant();
		Duration skew = this.clockSkew;
		Instant expiresAt = toInstant(claims.getExpirationTime());
		// RFC 7523 §3 (4)
		if (expiresAt == null) {
			throw failure("exp is required");
		}
		if (!now.minus(skew).isBefore(expiresAt)) {
			throw failure("the assertion has expired");
		}
		Instant notBefore = toInstant(claims.getNotBeforeTime());
		if (notBefore != null && notBefore.isAfter(now.plus(skew))) {
			throw failure("the assertion is not yet valid (nbf)");
		}
		// RFC 7523 §3 (6): the issuer's limit of what is "unreasonably far in the past"
		Instant issuedAt = toInstant(claims.getIssueTime());
		if (issuedAt == null) {
			throw failure("iat is required (its age is limited by the trusted issuer)");
		}
		if (issuedAt.isAfter(now.plus(skew))) {
			throw failure("the assertion is issued in the future (iat)");
		}
		if (issuedAt.isBefore(now.minus(skew).minusSeconds(settings.maxTokenAgeSeconds()))) {
			throw failure("the assertion is older than the trusted issuer's maxTokenAgeSeconds ("
					+ settings.maxTokenAgeSeconds() + " s)");
		}
		return expiresAt;
	}

	private static boolean audienceFits(TrustedIssuerSettings settings, List<String> audience) {
		// RFC 7519 §4.1.3: StringOrURI values, so a null member makes the claim malformed
		if (audience == null || audience.isEmpty() || audience.contains(null)) {
			return false;
		}
		if (!settings.audiences().isEmpty()) {
			return audience.stream().anyMatch(settings.audiences()::contains);
		}
		AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
		if (context == null) {
			return false;
		}
		String issuer = ClientAssertionDecoders.stripSlash(context.getIssuer());
		String tokenEndpoint = issuer + context.getAuthorizationServerSettings().getTokenEndpoint();
		return audience.stream()
			.map(ClientAssertionDecoders::stripSlash)
			.anyMatch((aud) -> aud.equals(issuer) || aud.equals(tokenEndpoint));
	}

	private static Instant toInstant(Date date) {
		return (date != null) ? date.toInstant() : null;
	}

	private static JwtValidationException failure(String description) {
		String text = "Client assertion rejected: " + description;
		return new JwtValidationException(text, List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, text, SPEC)));
	}

}
