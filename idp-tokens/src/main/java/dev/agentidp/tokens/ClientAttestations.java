package dev.agentidp.tokens;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentAttestation;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AttestationMismatch;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Attestation-based client authentication at the token endpoint
 * (draft-ietf-oauth-attestation-based-client-auth; docs/workload-identity.md
 * "Attestation"), for agents whose document declares {@code attestation}: the request
 * carries {@code OAuth-Client-Attestation}, a JWT from a trusted attester listed for the
 * agent with {@code sub} = the agent id and the instance's key in {@code cnf.jwk}, and
 * {@code OAuth-Client-Attestation-PoP}, a JWT signed by that key with {@code aud} = this
 * provider, a fresh {@code iat} and a {@code jti} used once across nodes. The
 * attestation's claims must equal the pinned ones; a mismatch is refused, audited with
 * both values ({@link AttestationMismatched}), and suspends the agent when its
 * {@code tokenPolicy.onAttestationMismatch} says so. Checked after the agent
 * authenticated (its key or a workload identity), so that nobody else can have it
 * suspended.
 */
public final class ClientAttestations {

	/** The attestation's header. */
	static final String ATTESTATION = "OAuth-Client-Attestation";

	/** The proof-of-possession's header. */
	static final String POP = "OAuth-Client-Attestation-PoP";

	/** The claim the matched claims are carried in, in the token and introspection. */
	public static final String ATTESTED = "attested";

	/** The specification a refusal names ({@code error_uri}). */
	static final String SPEC = "https://datatracker.ietf.org/doc/draft-ietf-oauth-attestation-based-client-auth/";

	private static final JOSEObjectType ATTESTATION_TYPE = new JOSEObjectType("oauth-client-attestation+jwt");

	private static final JOSEObjectType POP_TYPE = new JOSEObjectType("oauth-client-attestation-pop+jwt");

	private final TrustedIssuers issuers;

	private final IssuerSignatures signatures;

	private final ClientAssertions replays;

	private final AgentRegistry agents;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final Duration popWindow;

	private final Duration clockSkew;

	private final Clock clock;

	ClientAttestations(TrustedIssuers issuers, IssuerKeys keys, ClientAssertions replays, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events, Duration popWindow, Duration clockSkew,
			Clock clock) {
		Assert.notNull(issuers, "issuers cannot be null");
		Assert.notNull(replays, "replays cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.issuers = issuers;
		this.signatures = new IssuerSignatures(keys);
		this.replays = replays;
		this.agents = agents;
		this.transactions = transactions;
		this.events = events;
		this.popWindow = popWindow;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	/**
	 * Checks the attestation of a token request of an agent.
	 * @param agent the authenticated agent
	 * @param issuer this provider's issuer (the PoP's {@code aud})
	 * @return the matched claims with their attester, for the token's {@code attested}
	 * claim; empty when the agent declares no attestation, or does not require one and
	 * the request carries none
	 * @throws OAuth2AuthenticationException {@code invalid_client} naming the check that
	 * failed
	 */
	public Optional<Map<String, Object>> check(Agent agent, String issuer) {
		AgentAttestation pinned = agent.profile().attestation();
		if (pinned == null) {
			return Optional.empty();
		}
		HttpServletRequest request = request();
		List<String> attestations = headers(request, ATTESTATION);
		List<String> pops = headers(request, POP);
		if (attestations.isEmpty() && pops.isEmpty() && !pinned.required()) {
			return Optional.empty();
		}
		// draft-ietf-oauth-attestation-based-client-auth §6.1: both headers, once each
		if (attestations.size() != 1 || pops.size() != 1) {
			throw refused("the agent requires attestation: send one OAuth-Client-Attestation and one"
					+ " OAuth-Client-Attestation-PoP header");
		}
		String clientId = agent.id().toString();
		SignedJWT attestation = parse(attestations.get(0), "OAuth-Client-Attestation");
		JWTClaimsSet claims = claims(attestation, "OAuth-Client-Attestation");
		// §5.1: typ oauth-client-attestation+jwt, an asymmetric signature by the attester
		if (!ATTESTATION_TYPE.equals(attestation.getHeader().getType())) {
			throw refused("the attestation's typ must be oauth-client-attestation+jwt");
		}
		if (!IssuerSignatures.ALGORITHMS.contains(attestation.getHeader().getAlgorithm())) {
			throw refused("the attestation's alg " + attestation.getHeader().getAlgorithm() + " is refused");
		}
		String attester = claims.getIssuer();
		if (attester == null || !pinned.attesters().contains(attester)) {
			throw refused("attester " + attester + " is not listed for this agent");
		}
		TrustedIssuer trusted = this.issuers.find(attester)
			.filter((candidate) -> candidate.settings().kind() == TrustedIssuerKind.ATTESTER)
			.orElseThrow(() -> refused("attester " + attester + " is not a trusted issuer of kind attester"));
		String failure = this.signatures.verify(trusted, attestation);
		if (failure != null) {
			throw refused("attestation: " + failure);
		}
		// §5.1: sub is the client id; exp required and not passed
		if (!clientId.equals(claims.getSubject())) {
			throw refused("the attestation's sub must be the agent id");
		}
		Instant now = this.clock.instant();
		Instant expiresAt = instant(claims.getExpirationTime());
		if (expiresAt == null || !now.minus(this.clockSkew).isBefore(expiresAt)) {
			throw refused("the attestation has expired (exp is required)");
		}
		Instant issuedAt = instant(claims.getIssueTime());
		if (issuedAt != null && (issuedAt.isAfter(now.plus(this.clockSkew)) || issuedAt
			.isBefore(now.minus(this.clockSkew).minusSeconds(trusted.settings().maxTokenAgeSeconds())))) {
			throw refused("the attestation's iat is in the future or older than the attester's maxTokenAgeSeconds");
		}
		JWK instanceKey = instanceKey(claims);
		checkPop(parse(pops.get(0), "OAuth-Client-Attestation-PoP"), instanceKey, clientId, issuer, now);
		return Optional.of(compare(agent, pinned, attester, claims));
	}

	/** §5.2: the PoP, signed by the attested instance key. */
	private void checkPop(SignedJWT pop, JWK instanceKey, String clientId, String issuer, Instant now) {
		JWTClaimsSet claims = claims(pop, "OAuth-Client-Attestation-PoP");
		if (!POP_TYPE.equals(pop.getHeader().getType())) {
			throw refused("the PoP's typ must be oauth-client-attestation-pop+jwt");
		}
		if (!IssuerSignatures.verifies(pop, instanceKey)) {
			throw refused("the PoP is not signed by the attested instance key (cnf.jwk)");
		}
		if (claims.getIssuer() != null && !claims.getIssuer().equals(clientId)) {
			throw refused("the PoP's iss, when present, must be the agent id");
		}
		List<String> audience = claims.getAudience();
		String expected = ClientAssertionDecoders.stripSlash(issuer);
		// RFC 7519 §4.1.3: StringOrURI values, so a null member makes the claim malformed
		if (audience == null || audience.contains(null)
				|| audience.stream().map(ClientAssertionDecoders::stripSlash).noneMatch(expected::equals)) {
			throw refused("the PoP's aud must be the issuer");
		}
		Instant issuedAt = instant(claims.getIssueTime());
		Duration window = this.popWindow.plus(this.clockSkew);
		if (issuedAt == null || issuedAt.isAfter(now.plus(window)) || issuedAt.isBefore(now.minus(window))) {
			throw refused("the PoP's iat must be within " + this.popWindow.toSeconds() + " s of now");
		}
		String jti = claims.getJWTID();
		if (jti == null || jti.isEmpty() || jti.length() > 256 || jti.chars().anyMatch(Character::isISOControl)) {
			throw refused("the PoP's jti is required (at most 256 characters)");
		}
		if (!this.replays.firstUse(clientId, "attestation-pop:" + jti, issuedAt.plus(window))) {
			throw refused("the PoP was already used (replayed jti)");
		}
	}

	/**
	 * The pinned claims against the attestation's: equal, or refused and audited with
	 * both values, and the agent suspended when its policy says so.
	 */
	private Map<String, Object> compare(Agent agent, AgentAttestation pinned, String attester, JWTClaimsSet claims) {
		Map<String, String> presented = new LinkedHashMap<>();
		boolean matches = true;
		for (Map.Entry<String, String> claim : pinned.claims().entrySet()) {
			Object value = claims.getClaim(claim.getKey());
			String text = (value instanceof String string) ? string : "";
			presented.put(claim.getKey(), text);
			matches &= claim.getValue().equals(text);
		}
		if (!matches) {
			AttestationMismatch reaction = agent.profile().tokenPolicy().onAttestationMismatch();
			this.transactions.executeWithoutResult((tx) -> {
				this.events.publishEvent(new AttestationMismatched(agent.id().toString(), attester, pinned.claims(),
						presented, reaction.value()));
				if (reaction == AttestationMismatch.SUSPEND) {
					this.agents.suspend(agent.id(), AttestationMismatched.DESCRIPTION, agent.id().toString());
				}
			});
			throw refused(AttestationMismatched.DESCRIPTION);
		}
		Map<String, Object> attested = new LinkedHashMap<>(pinned.claims());
		attested.put("attester", attester);
		return Collections.unmodifiableMap(attested);
	}

	/** §5.1: {@code cnf.jwk}, a public asymmetric key. */
	private static JWK instanceKey(JWTClaimsSet claims) {
		try {
			Map<String, Object> cnf = claims.getJSONObjectClaim("cnf");
			Object jwk = (cnf != null) ? cnf.get("jwk") : null;
			if (jwk instanceof Map<?, ?> members) {
				@SuppressWarnings("unchecked")
				JWK key = JWK.parse((Map<String, Object>) members);
				if (!key.isPrivate() && !KeyType.OCT.equals(key.getKeyType())) {
					return key;
				}
			}
		}
		catch (ParseException ex) {
			// refused below
		}
		throw refused("the attestation's cnf.jwk must be the instance's public key");
	}

	private static SignedJWT parse(String value, String header) {
		try {
			return SignedJWT.parse(value);
		}
		catch (ParseException ex) {
			throw refused(header + " must be a signed JWT");
		}
	}

	private static JWTClaimsSet claims(SignedJWT jwt, String header) {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw refused(header + " must be a signed JWT");
		}
	}

	private static List<String> headers(HttpServletRequest request, String name) {
		return (request != null) ? Collections.list(request.getHeaders(name)) : List.of();
	}

	private static HttpServletRequest request() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		return (attributes instanceof ServletRequestAttributes servlet) ? servlet.getRequest() : null;
	}

	private static Instant instant(Date date) {
		return (date != null) ? date.toInstant() : null;
	}

	private static OAuth2AuthenticationException refused(String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, SPEC));
	}

}
