package dev.agentidp.tokens;

import java.util.List;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * Which audience an agent's token may name (issue 14, item 10): only the resources the
 * agent declares in its identity document, its tools' {@code mcpServer} values and its
 * {@code resources}, compared exactly as written. A token requested without
 * {@code resource} is for the provider's default audience
 * ({@code idp.tokens.default-audience}, else the issuer), as before.
 * <p>
 * Sub-agents are not checked here: they get tokens by exchange only, whose audience is
 * within the subject token's (the narrowing rule of the exchange).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8707#section-2">RFC 8707 §2</a>
 */
final class AgentAudiences {

	private AgentAudiences() {
	}

	/**
	 * The audience of a token for an agent.
	 * @param declared the resources the agent declares
	 * ({@link dev.agentidp.registry.AgentProfile#audiences()})
	 * @param resources the {@code resource} parameters of the request, checked for syntax
	 * @param defaultAudience the audience when the request names none
	 * @return the audience
	 * @throws org.springframework.security.oauth2.core.OAuth2AuthenticationException
	 * {@code invalid_target} naming the first resource the agent does not declare
	 */
	static List<String> of(Set<String> declared, List<String> resources, String defaultAudience) {
		Assert.notNull(declared, "declared cannot be null");
		Assert.notNull(resources, "resources cannot be null");
		Assert.hasText(defaultAudience, "defaultAudience cannot be empty");
		if (resources.isEmpty()) {
			return List.of(defaultAudience);
		}
		for (String resource : resources) {
			if (!declared.contains(resource)) {
				// RFC 8707 §2: a resource the client may not have a token for is
				// invalid_target
				throw OAuthParameters.error("invalid_target",
						"resource " + resource + " is not declared by the agent (its tools[].mcpServer or resources)");
			}
		}
		return resources;
	}

}
