package dev.agentidp.policy;

import java.util.Optional;

/**
 * Rule 1: the token must be active by introspection's rules (one this provider issued,
 * unaltered, neither revoked nor expired, its agent and every ancestor active; RFC 7662
 * §2.2) and be an agent's, and {@code subject.id} must be its acting agent: the outermost
 * {@code act.sub}, else {@code sub} (RFC 8693 §4.1).
 */
final class TokenActiveRule implements AccessRule {

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		if (attempt.token() == null) {
			return Optional.of(new Denial(DecisionCode.TOKEN_INACTIVE,
					"the token is not one this provider issued (unknown, altered or signed by a withdrawn key)",
					"The access token is not valid; get a new one"));
		}
		if (!attempt.active()) {
			return Optional.of(new Denial(DecisionCode.TOKEN_INACTIVE,
					"the token " + attempt.token().record().jti()
							+ " is revoked or expired, or its agent or an ancestor is not active",
					"The access token is no longer active; get a new one"));
		}
		if (attempt.agentId() == null) {
			return Optional.of(new Denial(DecisionCode.TOKEN_INACTIVE,
					"the token " + attempt.token().record().jti() + " is not an agent's",
					"Only an agent's access token can be evaluated"));
		}
		String actor = attempt.token().currentActor();
		if (!actor.equals(attempt.request().subjectId())) {
			return Optional.of(new Denial(DecisionCode.SUBJECT_MISMATCH,
					"subject.id " + attempt.request().subjectId() + " is not the token's acting agent " + actor,
					"The token belongs to another agent"));
		}
		return Optional.empty();
	}

}
