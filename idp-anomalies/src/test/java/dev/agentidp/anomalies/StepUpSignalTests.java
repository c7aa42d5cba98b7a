package dev.agentidp.anomalies;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.policy.AccessAttempt;
import dev.agentidp.policy.AccessRequest;
import dev.agentidp.policy.DeclaredAccess;
import dev.agentidp.policy.ResourceType;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.HumanOversight;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.Tool;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.PresentedToken;
import dev.agentidp.tokens.TokenRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The way through a step-up: a token issued on a human's approval whose {@code tool_call}
 * authorization details cover the very call.
 */
class StepUpSignalTests {

	private static final AgentId AGENT = AgentId.of("6f1c0b7e-4b0e-4c5e-9a53-0b6f5f8d2a11");

	@Test
	void approvedWhenTheApprovalCoversTheCallThenTrue() {
		Map<String, Object> claims = Map.of("approval", Map.of("id", "a-1"), "authorization_details",
				List.of(Map.of("type", "tool_call", "tool", "github", "action", "create_pr", "target", "repo#1")));
		assertThat(StepUpSignal.approved(attempt(claims, "create_pr", "repo#1"))).isTrue();
		// another target, another action: not covered
		assertThat(StepUpSignal.approved(attempt(claims, "create_pr", "repo#2"))).isFalse();
		assertThat(StepUpSignal.approved(attempt(claims, "merge", "repo#1"))).isFalse();
	}

	@Test
	void approvedWhenTheTokenCarriesNoApprovalThenFalse() {
		// authorization details alone are no human's approval
		Map<String, Object> claims = Map.of("authorization_details",
				List.of(Map.of("type", "tool_call", "tool", "github", "action", "create_pr")));
		assertThat(StepUpSignal.approved(attempt(claims, "create_pr", "repo#1"))).isFalse();
		assertThat(StepUpSignal.approved(attempt(Map.of(), "create_pr", "repo#1"))).isFalse();
	}

	private static AccessAttempt attempt(Map<String, Object> claims, String action, String target) {
		Instant now = Instant.now();
		TokenRecord record = new TokenRecord(Jti.of("jti-1"),
				new TokenRecord.Holder(AGENT, AGENT.toString(), AGENT.toString(), "owner@example.com"),
				Set.of("github:create_pr"), List.of("https://mcp.example.com/github"), null,
				new TokenRecord.Family(null, Jti.of("jti-1"), 0, null),
				new TokenRecord.Lifetime(now, now.plusSeconds(900), null), null, "kid-1");
		AccessRequest request = new AccessRequest(AGENT.toString(), "a.b.c", action, ResourceType.TOOL, "github",
				Map.of("target", target), BigDecimal.ZERO, Map.of());
		DeclaredAccess declared = new DeclaredAccess(
				List.of(new Tool("github", "https://mcp.example.com/github", List.of("create_pr", "merge"))), List.of(),
				HumanOversight.NONE, List.of(new Capability("github:create_pr", null, RiskLevel.LOW)));
		return new AccessAttempt(request, new PresentedToken(record, claims), true, AGENT, declared);
	}

}
