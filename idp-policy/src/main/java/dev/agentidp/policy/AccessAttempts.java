package dev.agentidp.policy;

import java.text.ParseException;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.dpop.InvalidDpopProofException;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.PresentedToken;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.TokenService;

import org.springframework.util.Assert;

/**
 * How a request becomes the {@link AccessAttempt} every rule reads: the token recognised
 * (or refused as another issuer's), whether it is active, the acting agent and its root
 * with what their documents declare ({@link DeclaredAccess}), and, for a DPoP-bound
 * token, the outcome of its proof's verification. Used by {@link PolicyDecisionPoint}.
 */
final class AccessAttempts {

	/** How many agents' declarations are kept parsed. */
	static final int MAX_DECLARED = 10_000;

	private final TokenService tokens;

	private final AgentRegistry agents;

	/**
	 * What agents declare, by the versions of the acting agent and its root: every change
	 * of either makes a new version, so an entry is never stale.
	 */
	private final Cache<Versions, DeclaredAccess> declared = Caffeine.newBuilder()
		.maximumSize(MAX_DECLARED)
		.expireAfterAccess(Duration.ofHours(1))
		.build();

	AccessAttempts(TokenService tokens, AgentRegistry agents) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		this.tokens = tokens;
		this.agents = agents;
	}

	/**
	 * The attempt a request stands for.
	 * @param issuer this provider's issuer
	 * @param request the request
	 * @param verifier verifies its DPoP proof
	 * @param scope what the request's other evaluations have read already: its token's
	 * state and the proofs verified, by token, proof and call (one proof may stand for
	 * every evaluation of the batch it came with)
	 * @return the attempt
	 * @throws InvalidAccessRequestException when the token is another issuer's
	 */
	AccessAttempt attempt(String issuer, AccessRequest request, DpopProofVerifier verifier, AttemptScope scope) {
		Assert.notNull(request, "request cannot be null");
		Assert.notNull(scope, "scope cannot be null");
		TokenState state = scope.tokens().get(request.token());
		if (state == null) {
			state = tokenState(issuer, request.token());
			scope.tokens().put(request.token(), state);
		}
		if (state.declared() == null) {
			return new AccessAttempt(request, state.token(), state.active(), null, null);
		}
		String[] proof = (state.token().record().cnfJkt() != null) ? scope.proofs()
			.computeIfAbsent(request.token() + '\n' + request.dpop().proof() + '\n' + request.dpop().method() + '\n'
					+ request.dpop().uri(), (key) -> verifyProof(verifier, request))
				: new String[2];
		return new AccessAttempt(request, state.token(), true, state.agentId(), state.declared(), proof[0], proof[1]);
	}

	/**
	 * What the token alone tells an attempt: recognised (or refused as another issuer's),
	 * active by introspection's rules, and for an active agent's token the agent and what
	 * it and its root declare.
	 */
	private TokenState tokenState(String issuer, String value) {
		PresentedToken token = this.tokens.recognise(value).orElse(null);
		if (token == null) {
			requireOwnIssuer(issuer, value);
			return new TokenState(null, false, null, null);
		}
		TokenRecord record = token.record();
		if (record.holder().agentId() == null) {
			return new TokenState(token, this.tokens.isActive(token), null, null);
		}
		// active by introspection's rules, and the agent parsed: one indexed read
		Agent agent = this.tokens.activeAgent(token).orElse(null);
		Agent root = (agent == null) ? null : agent.isDerived() ? rootOf(record) : agent;
		if (agent == null || root == null) {
			return new TokenState(token, false, null, null);
		}
		DeclaredAccess declared = this.declared.get(
				new Versions(agent.id(), agent.version(), root.id(), root.version()),
				(versions) -> DeclaredAccess.of(agent, root));
		return new TokenState(token, true, agent.id(), declared);
	}

	/**
	 * Verifies the DPoP proof of a request whose token is DPoP-bound (RFC 9449 §4.3,
	 * against the call the tool server received: its {@code htm} and {@code htu}, and the
	 * token as {@code ath}); {@link ProofRule} then compares its key with
	 * {@code cnf.jkt}.
	 * @return the proof's thumbprint and {@code null}, or {@code null} and why it was
	 * refused; both {@code null} when the request carries no proof
	 */
	private static String[] verifyProof(DpopProofVerifier verifier, AccessRequest request) {
		DpopPresentation dpop = request.dpop();
		if (dpop.proof() == null) {
			return new String[2];
		}
		if (dpop.method() == null || dpop.uri() == null) {
			return new String[] { null,
					"subject.properties needs the call's htm and htu beside its dpop_proof (RFC 9449 §4.3)" };
		}
		try {
			return new String[] { verifier.verify(dpop.proof(), dpop.method(), dpop.uri(), request.token()).jkt(),
					null };
		}
		catch (InvalidDpopProofException ex) {
			return new String[] { null, ex.getMessage() };
		}
	}

	/** The root agent: a delegated token's {@code sub} (RFC 8693 §4.1). */
	private Agent rootOf(TokenRecord record) {
		try {
			return this.agents.findActiveAgent(AgentId.of(record.holder().subject())).orElse(null);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A token this provider does not recognise is evaluated (and denied,
	 * {@code token_inactive}) unless it is plainly another issuer's: a JWT whose
	 * {@code iss}, read without verification, names someone else is a request this PDP
	 * cannot answer (AuthZEN 1.0: an error, not a decision).
	 */
	static void requireOwnIssuer(String issuer, String token) {
		if (issuer == null || token == null) {
			return;
		}
		String claimed;
		try {
			claimed = SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
		}
		catch (ParseException | RuntimeException ex) {
			return;
		}
		if (claimed != null && !withoutSlash(claimed).equals(withoutSlash(issuer))) {
			throw new InvalidAccessRequestException("subject.properties.token",
					"is not a token of this provider (its iss is another issuer)");
		}
	}

	private static String withoutSlash(String value) {
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

	/**
	 * What a token alone tells an attempt.
	 *
	 * @param token the token, or {@code null} when not recognised
	 * @param active whether it is active and, for an agent's token, its agent and root
	 * are
	 * @param agentId the acting agent of an active agent's token, else {@code null}
	 * @param declared what that agent and its root declare, else {@code null}
	 */
	record TokenState(PresentedToken token, boolean active, AgentId agentId, DeclaredAccess declared) {
	}

	/** The versions of an acting agent and its root. */
	private record Versions(AgentId agent, long version, AgentId root, long rootVersion) {
	}

}
