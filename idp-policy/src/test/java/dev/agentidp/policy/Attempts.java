package dev.agentidp.policy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.registry.Access;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.HumanOversight;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.Sensitivity;
import dev.agentidp.registry.Tool;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.PresentedToken;
import dev.agentidp.tokens.TokenRecord;

/**
 * Attempts for the rules' unit tests: an agent declaring the GitHub tool (create_pr on
 * https://mcp.example.com/github) and read access to crm.customers, with a token that
 * covers both.
 */
final class Attempts {

	static final AgentId AGENT = AgentId.of("6f1c0b7e-4b0e-4c5e-9a53-0b6f5f8d2a11");

	static final String GITHUB = "https://mcp.example.com/github";

	private Attempts() {
	}

	static DeclaredAccess declared(HumanOversight oversight) {
		return new DeclaredAccess(List.of(new Tool("github", GITHUB, List.of("create_pr", "merge"))),
				List.of(new DataAccess("crm.customers", Access.READ, Sensitivity.CONFIDENTIAL)), oversight,
				List.of(new Capability("github:create_pr", null, RiskLevel.MEDIUM),
						new Capability("github:merge", null, RiskLevel.HIGH),
						new Capability("crm.customers:read", null, RiskLevel.LOW)));
	}

	static TokenRecord token(Set<String> scopes, List<String> audience) {
		return token(scopes, audience, null);
	}

	static TokenRecord token(Set<String> scopes, List<String> audience, String cnfJkt) {
		Instant now = Instant.now();
		return new TokenRecord(Jti.of("jti-1"),
				new TokenRecord.Holder(AGENT, AGENT.toString(), AGENT.toString(), "owner@example.com"), scopes,
				audience, "task-7", new TokenRecord.Family(null, Jti.of("jti-1"), 0, null),
				new TokenRecord.Lifetime(now, now.plusSeconds(900), null), cnfJkt, "kid-1");
	}

	/** An attempt with a token bound to {@code cnfJkt}, and its proof's outcome. */
	static AccessAttempt bound(AccessRequest request, String cnfJkt, String proofJkt, String proofFailure) {
		return new AccessAttempt(request,
				new PresentedToken(token(Set.of("github:create_pr", "github:merge", "crm.customers:read"),
						List.of(GITHUB), cnfJkt), Map.of()),
				true, AGENT, declared(HumanOversight.NONE), proofJkt, proofFailure);
	}

	static AccessRequest tool(String action) {
		return new AccessRequest(AGENT.toString(), "a.b.c", action, ResourceType.TOOL, "github",
				Map.of("repo", "acme/app", "target", "repo/main#42"), BigDecimal.ZERO, Map.of());
	}

	static AccessRequest data(String resource, String action) {
		return new AccessRequest(AGENT.toString(), "a.b.c", action, ResourceType.DATA, resource, Map.of(),
				BigDecimal.ZERO, Map.of());
	}

	static AccessAttempt attempt(AccessRequest request) {
		return attempt(request, Set.of("github:create_pr", "github:merge", "crm.customers:read"), List.of(GITHUB),
				HumanOversight.NONE);
	}

	static AccessAttempt attempt(AccessRequest request, Set<String> scopes, List<String> audience,
			HumanOversight oversight) {
		return new AccessAttempt(request, new PresentedToken(token(scopes, audience), Map.of()), true, AGENT,
				declared(oversight));
	}

}
