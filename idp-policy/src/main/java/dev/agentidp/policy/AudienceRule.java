package dev.agentidp.policy;

import java.util.Optional;

import dev.agentidp.registry.Tool;

/**
 * Rule 4: a tool that declares an {@code mcpServer} may only be called with a token whose
 * {@code aud} includes it (RFC 8707 §2: the token is bound to the resource it was asked
 * for; compared as written, a trailing slash aside). Data resources name no audience.
 */
final class AudienceRule implements AccessRule {

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		AccessRequest request = attempt.request();
		if (request.resourceType() != ResourceType.TOOL) {
			return Optional.empty();
		}
		Optional<Tool> tool = attempt.declared().tool(request.resourceId());
		if (tool.isEmpty() || tool.get().mcpServer() == null) {
			return Optional.empty();
		}
		String server = withoutSlash(tool.get().mcpServer());
		if (attempt.token().record().audience().stream().map(AudienceRule::withoutSlash).anyMatch(server::equals)) {
			return Optional.empty();
		}
		return Optional.of(new Denial(DecisionCode.AUDIENCE_MISMATCH,
				"the token " + attempt.token().record().jti() + " has audience " + attempt.token().record().audience()
						+ ", not the tool's MCP server " + tool.get().mcpServer(),
				"The access token is not for this tool's server; ask for one with resource=" + tool.get().mcpServer()));
	}

	private static String withoutSlash(String uri) {
		return (uri.endsWith("/")) ? uri.substring(0, uri.length() - 1) : uri;
	}

}
