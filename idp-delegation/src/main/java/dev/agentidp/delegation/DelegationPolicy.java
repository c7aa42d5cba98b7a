package dev.agentidp.delegation;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.registry.TokenPolicy;
import dev.agentidp.tokens.OAuthParameters;
import dev.agentidp.tokens.TokenRecord;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * The delegation limits: a token exchange can only narrow. The one place to read them
 * all, in the order they are checked:
 * <ol>
 * <li>scopes ⊆ the subject token's ({@code invalid_scope});</li>
 * <li>audience ⊆ the subject token's; without {@code resource}, the subject token's
 * ({@code invalid_target}, RFC 8707 §2);</li>
 * <li>depth = the subject token's + 1 ≤ the root agent's
 * {@code tokenPolicy.maxDelegationDepth} ({@code invalid_request});</li>
 * <li>lifetime: {@code ttl}, else the parent's {@code tokenPolicy.defaultTtlSeconds},
 * capped by the parent's {@code tokenPolicy.maxTtlSeconds} and 24 h, and expiry ≤ the
 * subject token's (silently capped; a subject token that expires now is
 * {@code invalid_grant});</li>
 * </ol>
 * and, applied by the registry when it derives the sub-agent (they need the parent's
 * current identity document and counts taken under the root's derivation lock, inside the
 * issuing transaction), refused as {@code invalid_request}:
 * <ol start="5">
 * <li>the granted scopes ⊆ the parent's capabilities
 * ({@code AgentRegistry.registerSubAgent});</li>
 * <li>the sub-agent caps: a parent's {@code tokenPolicy.maxSubAgents} direct sub-agents,
 * {@code idp.registry.max-sub-agents-per-root} below a root,
 * {@code idp.registry.max-new-sub-agents-per-minute} new ones per parent
 * ({@code SubAgentLimits} in idp-registry).</li>
 * </ol>
 * Before them, {@link #checkOversight}: a scope the root agent's
 * {@code humanOversight.requiredFor} lists passes on only from a token a human approved
 * ({@code invalid_scope}, issue 19).
 * <p>
 * Rules 1–4 are a pure function of the subject token, the request and the token policies:
 * no database, no clock of its own, so each is unit-tested alone.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8693#section-2.2.2">RFC 8693 §2.2.2</a>
 */
final class DelegationPolicy {

	/** RFC 9396 §5: the authorization details are not acceptable. */
	static final String INVALID_AUTHORIZATION_DETAILS = "invalid_authorization_details";

	/**
	 * Decides how far a request may be granted.
	 * @param subject the subject token, active and held by the parent
	 * @param request the request, checked for syntax
	 * @param parent the parent agent's token policy
	 * @param root the root agent's token policy
	 * @param now the time of issue
	 * @return what the sub-agent's token may say
	 * @throws OAuth2AuthenticationException naming the first limit the request exceeds
	 */
	Narrowing decide(TokenRecord subject, ExchangeRequest request, TokenPolicy parent, TokenPolicy root, Instant now) {
		Assert.notNull(subject, "subject cannot be null");
		Assert.notNull(request, "request cannot be null");
		Assert.notNull(parent, "parent cannot be null");
		Assert.notNull(root, "root cannot be null");
		Assert.notNull(now, "now cannot be null");
		// RFC 8693 §2.2.2 invalid_scope: never wider than the subject token
		if (!subject.scopes().containsAll(request.scopes())) {
			Set<String> wider = new TreeSet<>(request.scopes());
			wider.removeAll(subject.scopes());
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"Scope wider than the subject token's: " + String.join(" ", wider));
		}
		// RFC 8707 §2 invalid_target: never for a resource the subject token is not for
		List<String> audience = request.resources().isEmpty() ? subject.audience() : request.resources();
		if (!subject.audience().containsAll(audience)) {
			throw OAuthParameters.error("invalid_target", "resource must be within the subject token's audience");
		}
		int depth = subject.family().depth() + 1;
		int maxDepth = root.maxDelegationDepth();
		if (depth > maxDepth) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "Delegation depth " + depth
					+ " exceeds the limit of " + maxDepth + " set by the root agent's tokenPolicy.maxDelegationDepth");
		}
		Duration ttl = OAuthParameters.cappedTtl(request.ttl(), Duration.ofSeconds(parent.defaultTtlSeconds()),
				Duration.ofSeconds(parent.maxTtlSeconds()));
		Instant expiresAt = now.plus(ttl).isAfter(subject.lifetime().expiresAt()) ? subject.lifetime().expiresAt()
				: now.plus(ttl);
		if (!expiresAt.isAfter(now)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_GRANT, "The subject_token expires now");
		}
		return new Narrowing(request.scopes(), audience, depth, expiresAt);
	}

	/**
	 * Issue 19, items 1 and 7: a scope that needs a human's approval reaches a sub-agent
	 * only by exchanging the approved token (the CIBA grant's, which carries an
	 * {@code approval} claim), never from a token without one.
	 * @param requested the scopes asked for
	 * @param requiredFor the root agent's {@code humanOversight.requiredFor}
	 * @param subjectApproved whether the subject token carries an approval
	 * @throws OAuth2AuthenticationException {@code invalid_scope} naming the scopes
	 */
	void checkOversight(Set<String> requested, Collection<String> requiredFor, boolean subjectApproved) {
		Assert.notNull(requested, "requested cannot be null");
		Assert.notNull(requiredFor, "requiredFor cannot be null");
		Set<String> needApproval = new TreeSet<>(requested);
		needApproval.retainAll(requiredFor);
		if (!needApproval.isEmpty() && !subjectApproved) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, OAuthParameters.approvalRequired(needApproval));
		}
	}

	/**
	 * Issue 19, item 7: the authorization details of the derived token, a subset of the
	 * approved subject token's, never more (RFC 9396 §5
	 * {@code invalid_authorization_details}). Without details of its own the request
	 * inherits the subject token's that the granted scopes still cover; with them, each
	 * must lie within one of the subject token's (same tool and action, the same target
	 * when that names one, a cost within its cost) and under a granted scope.
	 * @param subject the subject token's authorization details (empty when it has none)
	 * @param requested the details asked for, or {@code null}
	 * @param granted the granted scopes
	 * @return the derived token's authorization details (empty for none)
	 * @throws OAuth2AuthenticationException naming the first entry that is wider
	 */
	List<AuthorizationDetail> narrowDetails(List<AuthorizationDetail> subject, List<AuthorizationDetail> requested,
			Set<String> granted) {
		Assert.notNull(subject, "subject cannot be null");
		Assert.notNull(granted, "granted cannot be null");
		if (requested == null) {
			return subject.stream().filter((detail) -> granted.contains(detail.scope())).toList();
		}
		for (int i = 0; i < requested.size(); i++) {
			AuthorizationDetail detail = requested.get(i);
			if (!granted.contains(detail.scope())) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, "authorization_details[" + i + "]: scope "
						+ detail.scope() + " is not among the scopes asked for");
			}
			if (subject.stream().noneMatch(detail::within)) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, "authorization_details[" + i
						+ "] is wider than the subject token's authorization_details (never more than approved)");
			}
		}
		return List.copyOf(requested);
	}

	/**
	 * The decision: what the sub-agent's token may say.
	 *
	 * @param scopes the granted scopes
	 * @param audience {@code aud}
	 * @param depth its delegation depth
	 * @param expiresAt {@code exp}
	 */
	record Narrowing(Set<String> scopes, List<String> audience, int depth, Instant expiresAt) {
	}

}
