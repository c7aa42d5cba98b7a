package dev.agentidp.registry;

import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;

/**
 * Test data: profiles and keys.
 */
final class TestAgents {

	private TestAgents() {
	}

	/**
	 * The profile of a typical agent: two capabilities (medium and low risk), a tool, a
	 * data resource and human oversight, the default token policy.
	 */
	static AgentProfile profile(String name, String owner) {
		return new AgentProfile(name, owner, "support", "langchain", Environment.PROD, "Answers support tickets",
				"support",
				List.of(new Capability("crm:read", "read customer records", RiskLevel.MEDIUM),
						new Capability("tickets:write", "answer tickets", RiskLevel.LOW)),
				List.of(new Tool("github", "https://mcp.example.com/github", List.of("create_pr"))), List.of(),
				List.of(new DataAccess("crm.customers", Access.READ, Sensitivity.CONFIDENTIAL)),
				new HumanOversight(List.of("payments:refund"), List.of("finance-lead")), null);
	}

	static AgentProfile profile(String name, String owner, RiskLevel... risks) {
		List<Capability> capabilities = new ArrayList<>();
		for (int i = 0; i < risks.length; i++) {
			capabilities.add(new Capability("scope:" + i, "capability " + i, risks[i]));
		}
		return new AgentProfile(name, owner, null, null, Environment.DEV, null, null, capabilities, List.of(),
				List.of(), List.of(), null, null);
	}

	static Capability capability(String scope, RiskLevel risk) {
		return new Capability(scope, null, risk);
	}

	/** A copy of a profile to change a few fields of. */
	static Edit edit(AgentProfile profile) {
		return new Edit(profile);
	}

	static String ed25519PublicJwk() {
		return PublicKeys.generateEd25519().publicJwk().toJSONString();
	}

	static ECKey p256() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(Curve.P_256.toECParameterSpec());
			return new ECKey.Builder(Curve.P_256, (ECPublicKey) generator.generateKeyPair().getPublic()).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A profile being changed, field by field.
	 */
	static final class Edit {

		private String name;

		private String owner;

		private String team;

		private String role;

		private List<Capability> capabilities;

		private HumanOversight humanOversight;

		private TokenPolicy tokenPolicy;

		private final AgentProfile from;

		private Edit(AgentProfile from) {
			this.from = from;
			this.name = from.name();
			this.owner = from.owner();
			this.team = from.team();
			this.role = from.role();
			this.capabilities = new ArrayList<>(from.capabilities());
			this.humanOversight = from.humanOversight();
			this.tokenPolicy = from.tokenPolicy();
		}

		Edit name(String name) {
			this.name = name;
			return this;
		}

		Edit owner(String owner) {
			this.owner = owner;
			return this;
		}

		Edit team(String team) {
			this.team = team;
			return this;
		}

		Edit role(String role) {
			this.role = role;
			return this;
		}

		Edit capabilities(Capability... capabilities) {
			this.capabilities = new ArrayList<>(List.of(capabilities));
			return this;
		}

		Edit addCapability(String scope, RiskLevel risk) {
			this.capabilities.add(capability(scope, risk));
			return this;
		}

		Edit humanOversight(HumanOversight humanOversight) {
			this.humanOversight = humanOversight;
			return this;
		}

		Edit tokenPolicy(TokenPolicy tokenPolicy) {
			this.tokenPolicy = tokenPolicy;
			return this;
		}

		AgentProfile build() {
			return new AgentProfile(this.name, this.owner, this.team, this.from.platform(), this.from.environment(),
					this.from.description(), this.role, this.capabilities, this.from.tools(), this.from.resources(),
					this.from.dataAccess(), this.humanOversight, this.tokenPolicy);
		}

	}

}
