package dev.agentidp.delegation;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.Assert;

/**
 * What the application plugs into the token endpoint for sub-agent delegation: the RFC
 * 8693 request converter and the provider that enforces narrowing.
 *
 * @param converter reads token-exchange requests
 * @param provider issues narrowed sub-agent tokens
 */
public record DelegationEndpoints(AuthenticationConverter converter, AuthenticationProvider provider) {

	public DelegationEndpoints {
		Assert.notNull(converter, "converter cannot be null");
		Assert.notNull(provider, "provider cannot be null");
	}

}
