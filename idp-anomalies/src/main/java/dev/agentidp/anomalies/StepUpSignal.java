package dev.agentidp.anomalies;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.policy.AccessAttempt;
import dev.agentidp.policy.AccessRequest;
import dev.agentidp.policy.AnomalySignal;
import dev.agentidp.policy.ResourceType;

import org.springframework.util.Assert;

/**
 * The policy decision point's rule 8 for the {@code step_up} reaction: while an anomaly
 * of the acting agent awaits a person's review, its calls are denied with
 * {@code anomaly}, unless the token was issued on a human's approval (the CIBA grant,
 * claim {@code approval}) whose {@code tool_call} authorization details cover the call.
 * Reads {@link Anomalies#pendingStepUp}, cached per agent: no database round trip per
 * decision.
 */
final class StepUpSignal implements AnomalySignal {

	private final Anomalies anomalies;

	StepUpSignal(Anomalies anomalies) {
		Assert.notNull(anomalies, "anomalies cannot be null");
		this.anomalies = anomalies;
	}

	@Override
	public Optional<String> anomaly(AccessAttempt attempt) {
		Optional<Anomaly> pending = this.anomalies.pendingStepUp(attempt.agentId());
		if (pending.isEmpty() || approved(attempt)) {
			return Optional.empty();
		}
		Anomaly anomaly = pending.get();
		return Optional.of("anomaly " + anomaly.id() + " (" + anomaly.rule().value() + ") awaits a person's review: "
				+ anomaly.summary());
	}

	/** Whether a human's approval, carried by the token, covers this very call. */
	static boolean approved(AccessAttempt attempt) {
		AccessRequest request = attempt.request();
		if (attempt.token() == null || request.resourceType() != ResourceType.TOOL
				|| !(attempt.token().claims().get("approval") instanceof Map<?, ?>)) {
			return false;
		}
		List<AuthorizationDetail> details = AuthorizationDetail
			.fromClaim(attempt.token().claims().get("authorization_details"));
		return details.stream()
			.anyMatch((detail) -> detail.covers(request.resourceId(), request.action(), request.target(),
					request.cost()));
	}

}
