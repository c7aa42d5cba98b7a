package dev.agentidp.policy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditPage;
import dev.agentidp.audit.AuditQuery;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.Refusals;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.TokenService;

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
 * <p>
 * This facade holds the public API; a request becomes an attempt in
 * {@link AccessAttempts}, is decided and recorded by {@link DecisionRecorder}, and the
 * searches run in {@link PolicySearch}.
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

	private final AuditTrail audit;

	private final Refusals refusals;

	private final BudgetLedger ledger;

	private final DpopProofVerifier proofs;

	private final DpopProofVerifier searchProofs;

	/** Token recognition, the acting agent, what it declares, its proof. */
	private final AccessAttempts attempts;

	/** The decision, the budget's debit and the {@value #EVALUATED} record. */
	private final DecisionRecorder recorder;

	/** The resource and action searches. */
	private final PolicySearch search;

	/**
	 * @param proofs verifies the DPoP proofs presented with decisions, each used once
	 * ({@link ProofReplays})
	 * @param searchProofs verifies those presented with searches, which decide nothing:
	 * the same checks, but a proof may serve several searches
	 * @param conditions the compiled conditions of the documents (rule 5)
	 * @param clock the clock conditions read {@code request.time} from
	 * @param approvals counts the uses of approvals (rule 7)
	 * @param observers told of every committed decision ({@link DecisionObserver})
	 */
	PolicyDecisionPoint(TokenService tokens, AgentRegistry agents, AuditTrail audit, Refusals refusals,
			BudgetLedger ledger, BudgetSource budgets, List<AnomalySignal> signals, DpopProofVerifier proofs,
			DpopProofVerifier searchProofs, Conditions conditions, Clock clock, ApprovalUses approvals,
			List<DecisionObserver> observers) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		Assert.notNull(ledger, "ledger cannot be null");
		Assert.notNull(budgets, "budgets cannot be null");
		Assert.notNull(signals, "signals cannot be null");
		Assert.notNull(proofs, "proofs cannot be null");
		Assert.notNull(searchProofs, "searchProofs cannot be null");
		this.proofs = proofs;
		this.searchProofs = searchProofs;
		this.audit = audit;
		this.refusals = refusals;
		this.ledger = ledger;
		AccessRules rules = AccessRules.standard(new ConditionRule(conditions, budgets, ledger, clock),
				new BudgetRule(budgets, ledger), signals);
		this.attempts = new AccessAttempts(tokens, agents);
		this.recorder = new DecisionRecorder(rules, budgets, ledger, audit, approvals, observers);
		this.search = new PolicySearch(rules);
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
		return this.recorder.decide(caller, this.attempts.attempt(issuer, request, this.proofs, new AttemptScope()));
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
		Set<String> checked = new HashSet<>();
		for (int i = 0; i < requests.size(); i++) {
			if (!checked.add(requests.get(i).token())) {
				// a batch's evaluations usually share the default subject's token
				continue;
			}
			try {
				AccessAttempts.requireOwnIssuer(issuer, requests.get(i).token());
			}
			catch (InvalidAccessRequestException ex) {
				throw new InvalidAccessRequestException("evaluations[" + i + "]." + ex.field(), ex.rule());
			}
		}
		// the evaluations read each token once, and one proof may stand for every
		// evaluation of the batch it came with
		AttemptScope scope = new AttemptScope();
		if (semantic == EvaluationsSemantic.EXECUTE_ALL) {
			// no decision depends on another's outcome: decided and committed together
			List<AccessAttempt> attempts = new ArrayList<>(requests.size());
			for (AccessRequest request : requests) {
				attempts.add(this.attempts.attempt(issuer, request, this.proofs, scope));
			}
			return this.recorder.decideAll(caller, attempts);
		}
		List<AccessDecision> decisions = new ArrayList<>(requests.size());
		for (AccessRequest request : requests) {
			AccessDecision decision = this.recorder.decide(caller,
					this.attempts.attempt(issuer, request, this.proofs, scope));
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
		AccessAttempt attempt = this.attempts.attempt(issuer, probe, this.searchProofs, new AttemptScope());
		return this.search.resources(attempt, probe, action, pageToken, limit);
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
		AccessAttempt attempt = this.attempts.attempt(issuer, probe, this.searchProofs, new AttemptScope());
		return this.search.actions(attempt, probe, pageToken, limit);
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
		details.put("error", DecisionRecorder.clean(error));
		details.put("endpoint", DecisionRecorder.clean(endpoint));
		this.refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, DecisionRecorder.clean(caller), REFUSED,
				DecisionRecorder.clean(endpoint), Decision.DENY, DecisionRecorder.clean(error + ": " + reason),
				details), source);
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

}
