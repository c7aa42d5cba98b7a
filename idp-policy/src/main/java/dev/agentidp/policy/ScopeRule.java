package dev.agentidp.policy;

import java.util.Optional;

/**
 * Rule 3: the token's scopes must cover the action: permission {@code P} on tool
 * {@code T} is covered by scope {@code T:P} (so {@code github:create_pr}), access
 * {@code A} on data resource {@code R} by {@code R:A} (RFC 6749 §3.3: scopes are what the
 * token was granted). A sub-agent's narrowed token thus loses the tools its scopes no
 * longer cover, with no rule of its own.
 */
final class ScopeRule implements AccessRule {

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		String scope = attempt.request().scope();
		if (attempt.token().record().scopes().contains(scope)) {
			return Optional.empty();
		}
		return Optional.of(new Denial(DecisionCode.SCOPE_MISSING,
				"the token " + attempt.token().record().jti() + " lacks scope " + scope,
				"The access token does not allow this; ask for one with scope " + scope));
	}

}
