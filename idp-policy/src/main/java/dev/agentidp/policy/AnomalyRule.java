package dev.agentidp.policy;

import java.util.List;
import java.util.Optional;

import org.springframework.util.Assert;

/**
 * Rule 8: every {@link AnomalySignal} may deny; the first that does names the reason.
 * With no signal declared, nothing is denied here.
 */
final class AnomalyRule implements AccessRule {

	private final List<AnomalySignal> signals;

	AnomalyRule(List<AnomalySignal> signals) {
		Assert.notNull(signals, "signals cannot be null");
		this.signals = List.copyOf(signals);
	}

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		for (AnomalySignal signal : this.signals) {
			Optional<String> anomaly = signal.anomaly(attempt);
			if (anomaly.isPresent()) {
				return Optional.of(new Denial(DecisionCode.ANOMALY, anomaly.get(),
						"The call was stopped as unusual for this agent"));
			}
		}
		return Optional.empty();
	}

}
