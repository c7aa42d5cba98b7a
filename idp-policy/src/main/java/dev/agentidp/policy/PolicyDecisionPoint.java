package dev.agentidp.policy;

import java.math.BigDecimal;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditPage;
import dev.agentidp.audit.AuditQuery;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.PrintableText;
import dev.agentidp.audit.Refusals;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.dpop.InvalidDpopProofException;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.tokens.PresentedToken;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.TokenService;

import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The policy decision point's facade (OpenID AuthZEN Authorization API 1.0): decides
 * whether the agent acting with a token may perform an action on a tool or data resource
 * now ({@link AccessRules}: deny by default, the first failing rule names the code),
 * answers batches and searches with the same rules, and records every decision, allowed
 * or denied, on the acting agent's audit chain as {@value #EVALUATED}. A DPoP-bound token
 * counts only with a proof of its key for the call ({@link ProofRule}). An allowed
 * decision with a cost is debited from its task's budget in the same transaction as its
 * record ({@link BudgetLedger}); a denied one debits nothing.
 */
public class PolicyDecisionPoint {

	/** The audit action of every decision. */
	public static final String EVALUATED = "access.evaluated";

	/**
	 * The audit action of a request refused before any decision (malformed, or its caller
	 * not entitled).
	 */
	public static final String REFUSED = "access.refused";

	/** The page size of a search when none is asked for. */
	public static final int DEFAULT_PAGE_SIZE = 50;

	/** The largest page of a search. */
	public static final int MAX_PAGE_SIZE = 500;

	private static final String PAGE_TOKEN_PREFIX = "o:";

	private final TokenService tokens;

	private final AgentRegistry agents;

	private final AuditTrail audit;

	private final Refusals refusals;

	private final BudgetLedger ledger;

	private final BudgetSource budgets;

	private final AccessRules rules;

	private final TransactionTemplate transactions;

	private final DpopProofVerifier proofs;

	private final DpopProofVerifier searchProofs;

	/**
	 * @param proofs verifies the DPoP proofs presented with decisions, each used once
	 * ({@link ProofReplays})
	 * @param searchProofs verifies those presented with searches, which decide nothing:
	 * the same checks, but a proof may serve several searches
	 * @param conditions the compiled conditions of the documents (rule 5)
	 * @param clock the clock conditions read {@code request.time} from
	 */
	PolicyDecisionPoint(TokenService tokens, AgentRegistry agents, AuditTrail audit, Refusals refusals,
			BudgetLedger ledger, BudgetSource budgets, List<AnomalySignal> signals, TransactionTemplate transactions,
			DpopProofVerifier proofs, DpopProofVerifier searchProofs, Conditions conditions, Clock clock) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		Assert.notNull(ledger, "ledger cannot be null");
		Assert.notNull(budgets, "budgets cannot be null");
		Assert.notNull(signals, "signals cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(proofs, "proofs cannot be null");
		Assert.notNull(searchProofs, "searchProofs cannot be null");
		this.proofs = proofs;
		this.searchProofs = searchProofs;
		this.tokens = tokens;
		this.agents = agents;
		this.audit = audit;
		this.refusals = refusals;
		this.ledger = ledger;
		this.budgets = budgets;
		this.rules = AccessRules.standard(new ConditionRule(conditions, budgets, ledger, clock),
				new BudgetRule(budgets, ledger), signals);
		this.transactions = transactions;
	}

	/**
	 * Decides one request, records it, and debits its cost when allowed.
	 * @param caller the client asking (a resource server or admin client)
	 * @param issuer this provider's issuer
	 * @param request the request
	 * @return the decision
	 * @throws InvalidAccessRequestException when the token is another issuer's
	 */
	public AccessDecision evaluate(String caller, String issuer, AccessRequest request) {
		Assert.hasText(caller, "caller cannot be empty");
		return decide(caller, attempt(issuer, request, this.proofs, new HashMap<>()));
	}

	/**
	 * Decides a batch in order (AuthZEN 1.0 {@code evaluations}); a request that is not
	 * evaluable refuses the whole batch before anything is decided.
	 * @param caller the client asking
	 * @param issuer this provider's issuer
	 * @param requests the requests, defaults applied
	 * @param semantic how far the batch runs
	 * @return the decisions, in order (fewer than the requests when the semantic stopped)
	 * @throws InvalidAccessRequestException when a token is another issuer's
	 */
	public List<AccessDecision> evaluateAll(String caller, String issuer, List<AccessRequest> requests,
			EvaluationsSemantic semantic) {
		Assert.hasText(caller, "caller cannot be empty");
		Assert.notNull(requests, "requests cannot be null");
		Assert.notNull(semantic, "semantic cannot be null");
		for (int i = 0; i < requests.size(); i++) {
			try {
				requireOwnIssuer(issuer, requests.get(i).token());
			}
			catch (InvalidAccessRequestException ex) {
				throw new InvalidAccessRequestException("evaluations[" + i + "]." + ex.field(), ex.rule());
			}
		}
		List<AccessDecision> decisions = new ArrayList<>(requests.size());
		// one proof may stand for every evaluation of the batch it came with
		Map<String, String[]> verified = new HashMap<>();
		for (AccessRequest request : requests) {
			AccessDecision decision = decide(caller, attempt(issuer, request, this.proofs, verified));
			decisions.add(decision);
			if (semantic.stopsAfter(decision)) {
				break;
			}
		}
		return decisions;
	}

	/**
	 * The resources of a type the token may use now (AuthZEN 1.0 resource search): those
	 * on which the action (or, without one, any declared action) would be allowed, by the
	 * same rules as an evaluation at no cost. Nothing is debited or recorded.
	 * @param issuer this provider's issuer
	 * @param probe the subject, token and resource type (its resource id and action are
	 * ignored)
	 * @param action the action, or {@code null} for any
	 * @param pageToken the previous page's {@code next_token}, or {@code null}
	 * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
	 * @return the page of resource ids
	 * @throws InvalidAccessRequestException when the token is another issuer's or the
	 * page token is not one this provider gave
	 */
	public SearchPage searchResources(String issuer, AccessRequest probe, String action, String pageToken, int limit) {
		AccessAttempt attempt = attempt(issuer, probe, this.searchProofs, new HashMap<>());
		List<String> allowed = new ArrayList<>();
		if (attempt.declared() != null) {
			for (String resource : attempt.declared().resources(probe.resourceType())) {
				List<String> actions = (action != null) ? List.of(action)
						: attempt.declared().actions(probe.resourceType(), resource);
				if (actions.stream().anyMatch((candidate) -> allows(attempt, resource, candidate))) {
					allowed.add(resource);
				}
			}
		}
		return page(allowed, pageToken, limit);
	}

	/**
	 * The actions the token may perform on a resource now (AuthZEN 1.0 action search), by
	 * the same rules as an evaluation at no cost. Nothing is debited or recorded.
	 * @param issuer this provider's issuer
	 * @param probe the subject, token and resource (its action is ignored)
	 * @param pageToken the previous page's {@code next_token}, or {@code null}
	 * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
	 * @return the page of action names
	 * @throws InvalidAccessRequestException when the token is another issuer's or the
	 * page token is not one this provider gave
	 */
	public SearchPage searchActions(String issuer, AccessRequest probe, String pageToken, int limit) {
		AccessAttempt attempt = attempt(issuer, probe, this.searchProofs, new HashMap<>());
		List<String> allowed = new ArrayList<>();
		if (attempt.declared() != null) {
			for (String action : attempt.declared().actions(probe.resourceType(), probe.resourceId())) {
				if (allows(attempt, probe.resourceId(), action)) {
					allowed.add(action);
				}
			}
		}
		return page(allowed, pageToken, limit);
	}

	/**
	 * Records a request refused before any decision, as the other refusals are
	 * ({@link Refusals}: one by one within their budget, else counted in a summary), on
	 * {@code _system}.
	 * @param caller the client, or {@code null} when it did not authenticate
	 * @param endpoint the request path
	 * @param error the RFC 6749 error code answered
	 * @param reason why, e.g. {@code "context.cost: must not be negative"}
	 * @param source the request's source address
	 */
	public void refused(String caller, String endpoint, String error, String reason, String source) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("error", clean(error));
		details.put("endpoint", clean(endpoint));
		this.refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, clean(caller), REFUSED, clean(endpoint),
				Decision.DENY, clean(error + ": " + reason), details), source);
	}

	/**
	 * The decisions recorded on an agent's chain, newest first.
	 * @param agentId the agent
	 * @param limit the page size, 1 to 500
	 * @param cursor the previous page's {@code nextCursor}, or {@code null}
	 * @return the page of {@value #EVALUATED} records
	 */
	public AuditPage decisions(AgentId agentId, int limit, String cursor) {
		Assert.notNull(agentId, "agentId cannot be null");
		return this.audit.find(new AuditQuery(agentId.toString(), null, EVALUATED, null, null, null, limit, cursor));
	}

	/**
	 * A task's budget as the ledger holds it.
	 * @param rootAgentId the root agent
	 * @param task the task
	 * @return its state, or empty when nothing was ever debited from it
	 */
	public Optional<BudgetState> budget(AgentId rootAgentId, String task) {
		return this.ledger.find(rootAgentId, task);
	}

	private boolean allows(AccessAttempt attempt, String resource, String action) {
		AccessRequest request = attempt.request().withResource(resource).withAction(action);
		AccessAttempt candidate = new AccessAttempt(
				new AccessRequest(request.subjectId(), request.token(), action, request.resourceType(), resource,
						request.resourceProperties(), BigDecimal.ZERO, request.arguments()),
				attempt.token(), attempt.active(), attempt.agentId(), attempt.declared(), attempt.proofJkt(),
				attempt.proofFailure());
		return this.rules.firstDenial(candidate).isEmpty();
	}

	private AccessDecision decide(String caller, AccessAttempt attempt) {
		Optional<Denial> denial = this.rules.firstDenial(attempt);
		boolean tokenPassed = denial.isEmpty() || (denial.get().code() != DecisionCode.TOKEN_INACTIVE
				&& denial.get().code() != DecisionCode.SUBJECT_MISMATCH
				&& denial.get().code() != DecisionCode.PROOF_INVALID);
		Optional<BudgetPolicy> policy = tokenPassed ? this.budgets.budget(attempt) : Optional.empty();
		String id = UUID.randomUUID().toString();
		return this.transactions.execute((status) -> {
			Denial refused = denial.orElse(null);
			BudgetState state = null;
			if (policy.isPresent()) {
				BudgetKey key = BudgetKey.of(attempt.token().record());
				BigDecimal cost = attempt.request().cost();
				if (refused == null && cost.signum() > 0) {
					RiskLevel risk = BudgetRule.risk(attempt);
					Optional<BudgetState> debited = this.ledger.debit(key, policy.get(), cost,
							BudgetRule.reserveApplies(policy.get(), cost, risk));
					if (debited.isPresent()) {
						state = debited.get();
					}
					else {
						// spent concurrently since the rule looked: the same two
						// conditions
						state = this.ledger.state(key, policy.get());
						refused = BudgetRule.check(policy.get(), state.spent(), cost, risk)
							.orElseGet(() -> new Denial(DecisionCode.BUDGET_EXHAUSTED,
									"the task's budget was spent concurrently",
									"The task's budget does not cover this call"));
					}
				}
				else {
					state = this.ledger.state(key, policy.get());
				}
			}
			AccessDecision decision = (refused == null)
					? new AccessDecision(true, id, DecisionCode.ALLOWED, null, null, state)
					: new AccessDecision(false, id, refused.code(), refused.reasonAdmin(), refused.reasonUser(), state);
			this.audit.append(entry(caller, attempt, decision));
			return decision;
		});
	}

	private AccessAttempt attempt(String issuer, AccessRequest request, DpopProofVerifier verifier,
			Map<String, String[]> verified) {
		Assert.notNull(request, "request cannot be null");
		PresentedToken token = this.tokens.recognise(request.token()).orElse(null);
		if (token == null) {
			requireOwnIssuer(issuer, request.token());
			return new AccessAttempt(request, null, false, null, null);
		}
		boolean active = this.tokens.isActive(token);
		TokenRecord record = token.record();
		if (!active || record.holder().agentId() == null) {
			return new AccessAttempt(request, token, active, null, null);
		}
		Agent agent = this.agents.findAgent(record.holder().agentId()).orElse(null);
		Agent root = (agent == null) ? null : agent.isDerived() ? rootOf(record) : agent;
		if (agent == null || root == null) {
			return new AccessAttempt(request, token, false, null, null);
		}
		String[] proof = (record.cnfJkt() != null) ? verified.computeIfAbsent(request.token() + '\n'
				+ request.dpop().proof() + '\n' + request.dpop().method() + '\n' + request.dpop().uri(),
				(key) -> verifyProof(verifier, request)) : new String[2];
		return new AccessAttempt(request, token, true, agent.id(), DeclaredAccess.of(agent, root), proof[0], proof[1]);
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
			return this.agents.findAgent(AgentId.of(record.holder().subject())).orElse(null);
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
	private static void requireOwnIssuer(String issuer, String token) {
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

	private static AuditEntry entry(String caller, AccessAttempt attempt, AccessDecision decision) {
		AccessRequest request = attempt.request();
		TokenRecord record = (attempt.token() != null) ? attempt.token().record() : null;
		String chain = (record != null && record.holder().agentId() != null) ? record.holder().agentId().toString()
				: AuditEntry.SYSTEM_CHAIN;
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("decisionId", decision.id());
		details.put("code", decision.code().value());
		details.put("resourceType", request.resourceType().value());
		details.put("resource", clean(request.resourceId()));
		details.put("action", clean(request.action()));
		details.put("subject", clean(request.subjectId()));
		if (request.target() != null) {
			details.put("target", clean(request.target()));
		}
		details.put("cost", request.cost().doubleValue());
		if (decision.budget() != null) {
			details.put("unit", decision.budget().unit());
			details.put("budgetRemaining", decision.budget().remaining().doubleValue());
		}
		if (record != null) {
			details.put("jti", record.jti().value());
			if (record.task() != null) {
				details.put("task", record.task());
			}
		}
		return new AuditEntry(chain, clean(caller), EVALUATED, clean(request.resourceId()),
				decision.allowed() ? Decision.ALLOW : Decision.DENY,
				decision.allowed() ? null : clean(decision.code().value() + ": " + decision.reasonAdmin()), details);
	}

	private static SearchPage page(List<String> results, String pageToken, int limit) {
		if (limit < 1 || limit > MAX_PAGE_SIZE) {
			throw new InvalidAccessRequestException("page.limit", "must be between 1 and " + MAX_PAGE_SIZE);
		}
		int offset = offset(pageToken, results.size());
		int end = Math.min(results.size(), offset + limit);
		String next = (end < results.size()) ? Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((PAGE_TOKEN_PREFIX + end).getBytes(StandardCharsets.UTF_8)) : "";
		return new SearchPage(results.subList(offset, end), next, results.size());
	}

	private static int offset(String pageToken, int total) {
		if (pageToken == null || pageToken.isEmpty()) {
			return 0;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
			if (decoded.startsWith(PAGE_TOKEN_PREFIX) && decoded.length() <= 12) {
				int offset = Integer.parseInt(decoded.substring(PAGE_TOKEN_PREFIX.length()));
				if (offset >= 0 && offset <= total) {
					return offset;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// not one of ours: refused below
		}
		throw new InvalidAccessRequestException("page.token", "is not a page token this provider returned");
	}

	private static String clean(String value) {
		return (value != null) ? PrintableText.of(value, 200) : null;
	}

}
