package dev.agentidp.registry;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.util.Assert;

/**
 * The parts of an identity document an administrator writes: everything but the
 * server-set id, status, version, parent, keys and timestamps.
 * <p>
 * The constructor checks structure only (what is required, lists copied), never the rules
 * input must follow: a profile stored under an older rule stays readable when a rule gets
 * stricter. The admin API's input rules are its request records' (idp-app);
 * {@link AgentRegistry} holds every profile it is given to the domain's invariants
 * ({@link ProfileInvariants}).
 *
 * @param name the name, {@code [A-Za-z0-9._-]{1,64}}, unique per owner
 * @param owner the email address of the accountable human, kept in lower case
 * @param team the team, or {@code null}
 * @param platform the agent platform (e.g. {@code langchain}), or {@code null}
 * @param environment where it runs, or {@code null}
 * @param description what it does, or {@code null}
 * @param role its role, or {@code null}
 * @param capabilities what it may do (at least one)
 * @param tools the tools it calls
 * @param resources further resources (absolute URIs, RFC 8707) its tokens may name as
 * audience, besides its tools' MCP servers
 * @param dataAccess the data it touches
 * @param humanOversight what needs a human's approval
 * @param tokenPolicy how long its tokens live and how deep it may delegate
 * @param workloadIdentity the workload identities it may authenticate with instead of a
 * key of its own (docs/workload-identity.md), none by default
 * @param attestation what its client attestations must show, or {@code null} for none
 */
public record AgentProfile(String name, String owner, String team, String platform, Environment environment,
		String description, String role, List<Capability> capabilities, List<Tool> tools, List<String> resources,
		List<DataAccess> dataAccess, HumanOversight humanOversight, TokenPolicy tokenPolicy,
		List<WorkloadIdentity> workloadIdentity, AgentAttestation attestation) {

	public AgentProfile {
		Assert.hasText(name, "name cannot be empty");
		Assert.hasText(owner, "owner cannot be empty");
		owner = Emails.normalize(owner);
		Assert.notEmpty(capabilities, "capabilities cannot be empty");
		capabilities = List.copyOf(capabilities);
		tools = (tools != null) ? List.copyOf(tools) : List.of();
		resources = (resources != null) ? List.copyOf(resources) : List.of();
		dataAccess = (dataAccess != null) ? List.copyOf(dataAccess) : List.of();
		humanOversight = (humanOversight != null) ? humanOversight : HumanOversight.NONE;
		tokenPolicy = (tokenPolicy != null) ? tokenPolicy : TokenPolicy.DEFAULT;
		workloadIdentity = (workloadIdentity != null) ? List.copyOf(workloadIdentity) : List.of();
	}

	/**
	 * A profile without workload identities.
	 * @param name the name
	 * @param owner the owner's email address
	 * @param team the team, or {@code null}
	 * @param platform the agent platform, or {@code null}
	 * @param environment where it runs, or {@code null}
	 * @param description what it does, or {@code null}
	 * @param role its role, or {@code null}
	 * @param capabilities what it may do (at least one)
	 * @param tools the tools it calls
	 * @param resources further resources its tokens may name as audience
	 * @param dataAccess the data it touches
	 * @param humanOversight what needs a human's approval
	 * @param tokenPolicy how long its tokens live and how deep it may delegate
	 */
	public AgentProfile(String name, String owner, String team, String platform, Environment environment,
			String description, String role, List<Capability> capabilities, List<Tool> tools, List<String> resources,
			List<DataAccess> dataAccess, HumanOversight humanOversight, TokenPolicy tokenPolicy) {
		this(name, owner, team, platform, environment, description, role, capabilities, tools, resources, dataAccess,
				humanOversight, tokenPolicy, List.of(), null);
	}

	/**
	 * The workload identities declared for an issuer.
	 * @param issuer the issuer, as a token's {@code iss}
	 * @return the identities of that issuer, in document order
	 */
	public List<WorkloadIdentity> workloadIdentitiesOf(String issuer) {
		return this.workloadIdentity.stream().filter((identity) -> identity.issuer().equals(issuer)).toList();
	}

	/**
	 * The agent's risk level: the highest among its capabilities.
	 * @return the risk level
	 */
	public RiskLevel riskLevel() {
		return this.capabilities.stream()
			.map(Capability::riskLevel)
			.max(Comparator.naturalOrder())
			.orElse(RiskLevel.LOW);
	}

	/**
	 * The scopes the agent may hold.
	 * @return the scopes of its capabilities
	 */
	public Set<String> scopes() {
		return this.capabilities.stream().map(Capability::scope).collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * The resources the agent's tokens may name as audience (RFC 8707): its tools' MCP
	 * servers and its declared {@code resources}, as written (compared exactly).
	 * @return the resources, in document order, without duplicates
	 */
	public Set<String> audiences() {
		Set<String> audiences = new LinkedHashSet<>();
		this.tools.forEach((tool) -> audiences.add(tool.mcpServer()));
		audiences.addAll(this.resources);
		return Collections.unmodifiableSet(audiences);
	}

	/**
	 * The fields in which another profile differs from this one, by their names in the
	 * identity document.
	 * @param other the other profile
	 * @return the names, sorted
	 */
	List<String> changedFields(AgentProfile other) {
		Map<String, Boolean> same = Map.ofEntries(Map.entry("name", this.name.equals(other.name)),
				Map.entry("owner", this.owner.equals(other.owner)),
				Map.entry("team", Objects.equals(this.team, other.team)),
				Map.entry("platform", Objects.equals(this.platform, other.platform)),
				Map.entry("environment", this.environment == other.environment),
				Map.entry("description", Objects.equals(this.description, other.description)),
				Map.entry("role", Objects.equals(this.role, other.role)),
				Map.entry("capabilities", this.capabilities.equals(other.capabilities)),
				Map.entry("tools", this.tools.equals(other.tools)),
				Map.entry("resources", this.resources.equals(other.resources)),
				Map.entry("dataAccess", this.dataAccess.equals(other.dataAccess)),
				Map.entry("humanOversight", this.humanOversight.equals(other.humanOversight)),
				Map.entry("tokenPolicy", this.tokenPolicy.equals(other.tokenPolicy)),
				Map.entry("workloadIdentity", this.workloadIdentity.equals(other.workloadIdentity)),
				Map.entry("attestation", Objects.equals(this.attestation, other.attestation)));
		return same.entrySet().stream().filter((field) -> !field.getValue()).map(Map.Entry::getKey).sorted().toList();
	}

	/**
	 * This profile with another owner.
	 * @param newOwner the new owner
	 * @return the new profile
	 */
	AgentProfile withOwner(String newOwner) {
		return new AgentProfile(this.name, newOwner, this.team, this.platform, this.environment, this.description,
				this.role, this.capabilities, this.tools, this.resources, this.dataAccess, this.humanOversight,
				this.tokenPolicy, this.workloadIdentity, this.attestation);
	}

	/**
	 * This profile with other capabilities.
	 * @param newCapabilities the capabilities
	 * @return the new profile
	 */
	AgentProfile withCapabilities(List<Capability> newCapabilities) {
		return new AgentProfile(this.name, this.owner, this.team, this.platform, this.environment, this.description,
				this.role, newCapabilities, this.tools, this.resources, this.dataAccess, this.humanOversight,
				this.tokenPolicy, this.workloadIdentity, this.attestation);
	}

}
