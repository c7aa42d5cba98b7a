package dev.agentidp.approvals;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.Refusals;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.Page;
import dev.agentidp.tokens.OAuthParameters;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The approvals facade (issue 19): the backchannel authentication requests agents make,
 * the approvers' queue, their decisions, and the uses the policy decision point counts.
 * The console (issue 18) and the admin API decide and list through it.
 * <p>
 * Who may decide a request: a person holding {@code approver:<role>} for a role the
 * agent's {@code humanOversight.approvers} lists; when the request named one
 * ({@code login_hint}), only that person, and only if they hold such a role (a hint
 * narrows who may decide, never widens it). Separation of duties: the agent's owner never
 * decides their own agent's request unless {@code idp.approvals.allow-owner-approval}. A
 * request is decided once, before it expires; every refused decision is audited.
 */
public final class Approvals {

	private static final SecureRandom RANDOM = new SecureRandom();

	/** The longest comment a decision keeps. */
	public static final int MAX_COMMENT = 1024;

	private final ApprovalRequests requests;

	private final AgentRegistry agents;

	private final ApproverDirectory directory;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final Refusals refusals;

	private final BackchannelRequestPolicy policy;

	private final ApprovalsProperties properties;

	private final Clock clock;

	Approvals(ApprovalRequests requests, AgentRegistry agents, ApproverDirectory directory,
			TransactionTemplate transactions, ApplicationEventPublisher events, Refusals refusals,
			ApprovalsProperties properties, Clock clock) {
		Assert.notNull(requests, "requests cannot be null");
		Assert.notNull(directory, "directory cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.requests = requests;
		this.agents = agents;
		this.directory = directory;
		this.transactions = transactions;
		this.events = events;
		this.refusals = refusals;
		this.policy = new BackchannelRequestPolicy(properties.defaultExpiry(), properties.allowOwnerApproval());
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Stores a backchannel authentication request (CIBA §7.1) and audits it.
	 * @param agent the authenticated agent
	 * @param clientId its client id
	 * @param parameters the request's parameters
	 * @return the CIBA §7.3 answer
	 * @throws org.springframework.security.oauth2.core.OAuth2AuthenticationException
	 * naming the first rule the request breaks ({@link BackchannelRequestPolicy})
	 */
	Started request(Agent agent, String clientId, Map<String, String> parameters) {
		Instant now = now();
		BackchannelRequestPolicy.Asked asked = this.policy.decide(agent, parameters, now);
		if (asked.loginHint() != null) {
			requireEntitled(asked.loginHint(), agent.profile().humanOversight().approvers());
		}
		// CIBA §7.3: auth_req_id has at least 128 bits of entropy; only its hash is kept
		byte[] random = new byte[32];
		RANDOM.nextBytes(random);
		String authReqId = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		int interval = (int) this.properties.interval().getSeconds();
		ApprovalRequests.Row row = new ApprovalRequests.Row(new ApprovalId(UUID.randomUUID()), clientId, agent.id(),
				agent.owner(), asked.scopes(), asked.details(), asked.bindingMessage(), asked.loginHint(),
				agent.profile().humanOversight().approvers(), ApprovalStatus.PENDING, null, null, null, now,
				asked.expiresAt(), interval, null, null, this.properties.uses(), 0);
		this.transactions.executeWithoutResult((status) -> {
			this.requests.insert(row, AuthReqIds.hash(authReqId));
			this.events.publishEvent(new ApprovalRequested(agent.id(), clientId, row.id(), asked.scopes(),
					asked.details(), asked.loginHint(), asked.expiresAt()));
		});
		return new Started(row.id(), authReqId, Duration.between(now, asked.expiresAt()).getSeconds(), interval);
	}

	/**
	 * A page of requests, oldest first.
	 * @param filter which
	 * @param cursor the previous page's cursor, or {@code null}
	 * @param limit at most this many, 1 to {@value Page#MAX_LIMIT}
	 * @return the page
	 * @throws InvalidInputException for a bad limit or cursor
	 */
	public Page<ApprovalRequest> pending(ApprovalFilter filter, String cursor, int limit) {
		Assert.notNull(filter, "filter cannot be null");
		if (limit < 1 || limit > Page.MAX_LIMIT) {
			throw new InvalidInputException("limit", "must be an integer between 1 and " + Page.MAX_LIMIT);
		}
		Instant now = now();
		List<ApprovalRequests.Row> rows = this.requests.list(filter, cursor, limit + 1, now);
		boolean more = rows.size() > limit;
		List<ApprovalRequests.Row> page = more ? rows.subList(0, limit) : rows;
		return new Page<>(page.stream().map((row) -> row.view(now)).toList(),
				more ? ApprovalRequests.Cursor.of(page.get(page.size() - 1)) : null);
	}

	/**
	 * One request.
	 * @param id its id
	 * @return it, if it exists
	 */
	public Optional<ApprovalRequest> find(ApprovalId id) {
		Assert.notNull(id, "id cannot be null");
		Instant now = now();
		return this.requests.find(id).map((row) -> row.view(now));
	}

	/**
	 * Approves or denies a pending request, once, before it expires; audited as
	 * {@code approval.granted} or {@code approval.denied} with the person as actor.
	 * @param id the request
	 * @param approver the person deciding
	 * @param verdict approve or deny
	 * @param comment why, or {@code null} (at most {@value #MAX_COMMENT} characters)
	 * @return the request as decided
	 * @throws ApprovalDecisionException when the decision cannot be taken (audited)
	 */
	public ApprovalRequest decide(ApprovalId id, Approver approver, Verdict verdict, String comment) {
		Assert.notNull(id, "id cannot be null");
		Assert.notNull(approver, "approver cannot be null");
		Assert.notNull(verdict, "verdict cannot be null");
		if (comment != null && (comment.length() > MAX_COMMENT
				|| comment.codePoints().anyMatch((c) -> Character.isISOControl(c) && c != '\n'))) {
			throw new InvalidInputException("comment",
					"must be at most " + MAX_COMMENT + " characters, without control characters");
		}
		Instant now = now();
		Decided decided = this.transactions.execute((status) -> {
			ApprovalRequests.Row row = this.requests.lock(id).orElse(null);
			if (row == null) {
				return Decided.refused(null, new ApprovalDecisionException(ApprovalDecisionException.Reason.NOT_FOUND,
						"No approval request " + id));
			}
			if (row.status() == ApprovalStatus.PENDING && !now.isBefore(row.expiresAt())) {
				if (this.requests.expire(id)) {
					this.events.publishEvent(new ApprovalExpired(row.agentId(), id, row.expiresAt()));
				}
				return Decided.refused(row, new ApprovalDecisionException(ApprovalDecisionException.Reason.EXPIRED,
						"The approval request expired at " + row.expiresAt()));
			}
			if (row.status() == ApprovalStatus.EXPIRED) {
				return Decided.refused(row, new ApprovalDecisionException(ApprovalDecisionException.Reason.EXPIRED,
						"The approval request expired at " + row.expiresAt()));
			}
			if (row.status() != ApprovalStatus.PENDING) {
				return Decided.refused(row,
						new ApprovalDecisionException(ApprovalDecisionException.Reason.ALREADY_DECIDED,
								"The approval request was " + row.status().value() + " already by " + row.decidedBy()));
			}
			ApprovalDecisionException notEntitled = entitlement(row, approver);
			if (notEntitled != null) {
				return Decided.refused(row, notEntitled);
			}
			ApprovalStatus decision = (verdict == Verdict.APPROVE) ? ApprovalStatus.APPROVED : ApprovalStatus.DENIED;
			this.requests.decide(id, decision, approver.email(), now, comment);
			this.events.publishEvent(
					new ApprovalDecided(row.agentId(), id, approver.email(), verdict == Verdict.APPROVE, comment));
			return new Decided(this.requests.find(id).orElseThrow().view(now), null);
		});
		if (decided.refusal() != null) {
			ApprovalDecisionException refusal = decided.refusal();
			this.refusals.refused(new AuditEntry(
					(decided.row() != null) ? decided.row().agentId().toString() : AuditEntry.SYSTEM_CHAIN,
					"user:" + approver.email(), "approval.decision.refused", id.toString(), Decision.DENY,
					refusal.reason().name().toLowerCase(java.util.Locale.ROOT) + ": " + refusal.getMessage(),
					Map.of("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT))), "approvals");
			throw refusal;
		}
		return decided.request();
	}

	/**
	 * CIBA Core 1.0 §13 ({@code unknown_user_id}): the {@code login_hint} must name an
	 * active person holding one of the agent's approver roles, or the request could only
	 * expire. One answer whether the address is unknown or not entitled, so that an agent
	 * cannot tell the people directory's addresses from the rest.
	 */
	private void requireEntitled(String loginHint, List<String> approverRoles) {
		boolean entitled = this.directory.find(loginHint)
			.filter((person) -> person.email().equalsIgnoreCase(loginHint))
			.filter((person) -> person.holdsOneOf(approverRoles))
			.isPresent();
		if (!entitled) {
			throw OAuthParameters.error(BackchannelRequestPolicy.UNKNOWN_USER_ID,
					"login_hint names no active person who may approve for this agent (one holding "
							+ String.join(" or ", approverRoles.stream().map((r) -> Approver.ROLE_PREFIX + r).toList())
							+ ")");
		}
	}

	/**
	 * Who may decide (the rules in the class comment), or why this person may not.
	 */
	private ApprovalDecisionException entitlement(ApprovalRequests.Row row, Approver approver) {
		if (!this.properties.allowOwnerApproval() && approver.email().equalsIgnoreCase(row.owner())) {
			return new ApprovalDecisionException(ApprovalDecisionException.Reason.OWN_AGENT,
					approver.email() + " owns the agent and may not decide its requests (separation of duties;"
							+ " idp.approvals.allow-owner-approval)");
		}
		if (!approver.holdsOneOf(row.approverRoles())) {
			return new ApprovalDecisionException(ApprovalDecisionException.Reason.NOT_ENTITLED, approver.email()
					+ " holds none of the roles that may approve for this agent: "
					+ String.join(", ", row.approverRoles().stream().map((r) -> Approver.ROLE_PREFIX + r).toList()));
		}
		if (row.loginHint() != null && !row.loginHint().equalsIgnoreCase(approver.email())) {
			return new ApprovalDecisionException(ApprovalDecisionException.Reason.NOT_ENTITLED,
					"The agent asked " + row.loginHint() + " to decide this request");
		}
		return null;
	}

	/**
	 * The CIBA grant's poll (CIBA §10.1, §11), inside the caller's transaction with the
	 * row locked: refused with its CIBA error, or approved and marked collected (single
	 * use), the caller minting the token in the same transaction.
	 * @param clientId the polling client
	 * @param authReqId the {@code auth_req_id}
	 * @param now the time
	 * @return the outcome
	 */
	Poll poll(String clientId, String authReqId, Instant now) {
		ApprovalRequests.Row row = AuthReqIds.wellFormed(authReqId)
				? this.requests.lockByHash(AuthReqIds.hash(authReqId)).orElse(null) : null;
		// CIBA §11 invalid_grant: unknown, another client's, or used already
		if (row == null || !row.clientId().equals(clientId)) {
			return new Poll.Refused(OAuth2ErrorCodes.INVALID_GRANT, "auth_req_id is not one this client holds");
		}
		if (row.tokenIssuedAt() != null) {
			return new Poll.Refused(OAuth2ErrorCodes.INVALID_GRANT,
					"auth_req_id was used already: an approved token is issued once");
		}
		// CIBA §11 expired_token: the request, or its approval, outlived its expiry
		if (!now.isBefore(row.expiresAt()) || row.status() == ApprovalStatus.EXPIRED) {
			if (row.status() == ApprovalStatus.PENDING && this.requests.expire(row.id())) {
				this.events.publishEvent(new ApprovalExpired(row.agentId(), row.id(), row.expiresAt()));
			}
			return new Poll.Refused("expired_token", "auth_req_id expired at " + row.expiresAt());
		}
		if (row.status() == ApprovalStatus.DENIED) {
			return new Poll.Refused(OAuth2ErrorCodes.ACCESS_DENIED, "The approver denied the request");
		}
		if (row.status() == ApprovalStatus.PENDING) {
			// CIBA §11 slow_down: polled again within the interval, by any node
			boolean tooFast = row.lastPollAt() != null
					&& now.isBefore(row.lastPollAt().plusSeconds(row.pollIntervalSeconds()));
			this.requests.polled(row.id(), now);
			return tooFast
					? new Poll.Refused("slow_down",
							"Polled within the interval of " + row.pollIntervalSeconds() + " s: poll more slowly")
					: new Poll.Refused("authorization_pending", "The approver has not decided yet");
		}
		return new Poll.Approved(row);
	}

	/**
	 * Marks an approved request's token issued (single use), in the poll's transaction.
	 */
	void collected(ApprovalId id, String jti, Instant now) {
		Assert.state(this.requests.tokenIssued(id, jti, now), "an approved request's token is issued once");
	}

	/**
	 * Counts one use of an approval by the policy decision point (issue 19, item 5), in
	 * the caller's transaction: one conditional {@code UPDATE}, so that nodes together
	 * never allow more than the approval's uses.
	 * @param id the approval the token carries
	 * @return {@code true} when counted (a use was left), else {@code false}
	 */
	public boolean use(ApprovalId id) {
		Assert.notNull(id, "id cannot be null");
		return this.requests.use(id);
	}

	/**
	 * Gives back a use counted in the caller's transaction, when the decision that
	 * counted it is denied after all (its budget was spent concurrently).
	 * @param id the approval
	 */
	public void release(ApprovalId id) {
		Assert.notNull(id, "id cannot be null");
		this.requests.release(id);
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** A decision: approve or deny. */
	public enum Verdict {

		/** Approve: the agent may collect one token for exactly what it asked. */
		APPROVE,
		/** Deny. */
		DENY

	}

	/**
	 * CIBA §7.3: the answer to a backchannel authentication request.
	 *
	 * @param id the request's id (for the queue)
	 * @param authReqId the {@code auth_req_id}
	 * @param expiresIn {@code expires_in}, seconds
	 * @param interval {@code interval}, seconds
	 */
	record Started(ApprovalId id, String authReqId, long expiresIn, int interval) {
	}

	/** A poll's outcome. */
	sealed interface Poll {

		/**
		 * Refused with a CIBA §11 error (after committing what the poll changed).
		 *
		 * @param error the error code
		 * @param description its description
		 */
		record Refused(String error, String description) implements Poll {
		}

		/**
		 * Approved: the token is to be minted.
		 *
		 * @param row the request
		 */
		record Approved(ApprovalRequests.Row row) implements Poll {
		}

	}

	private record Decided(ApprovalRequest request, ApprovalRequests.Row row, ApprovalDecisionException refusal) {

		Decided(ApprovalRequest request, ApprovalDecisionException refusal) {
			this(request, null, refusal);
		}

		static Decided refused(ApprovalRequests.Row row, ApprovalDecisionException refusal) {
			return new Decided(null, row, refusal);
		}

	}

}
