package dev.agentidp.app;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link StartupFailureException} into Spring Boot's failure-analysis paragraph
 * (description and action), so that a misconfiguration is reported in plain sentences.
 */
class StartupFailureAnalyzer extends AbstractFailureAnalyzer<StartupFailureException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StartupFailureException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
