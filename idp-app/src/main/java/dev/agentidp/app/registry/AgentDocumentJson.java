package dev.agentidp.app.registry;

import java.util.List;
import java.util.Map;

import dev.agentidp.registry.AgentAttestation;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AgentVersion;
import dev.agentidp.registry.AttestationMismatch;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.TaskBudget;
import dev.agentidp.registry.Tool;
import tools.jackson.databind.json.JsonMapper;
import dev.agentidp.registry.WorkloadIdentity;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity document as the admin API shows it (docs/api.md "Contract"), members in
 * their documented order: a version of an agent, its current one included. Keys show
 * their public members and the status they were shown with at that version; no private
 * key material is ever part of it. The registry keeps each version in this same shape
 * ({@code agent_version.document}), written by its own {@code StoredDocuments}: the two
 * writers are deliberately separate, one the wire contract and one the storage format, so
 * that either can change (a member hidden from the API, a column-compatible storage
 * migration) without the other; {@code AgentApiTests} checks that {@code /versions} shows
 * what the database stores while they agree.
 */
final class AgentDocumentJson {

	/** Renders {@code tokenPolicy.anomaly}'s members. */
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private AgentDocumentJson() {
	}

	/**
	 * The document of a version.
	 * @param version the version
	 * @return the document
	 */
	static ObjectNode of(AgentVersion version) {
		AgentProfile profile = version.profile();
		ObjectNode doc = NODES.objectNode();
		doc.put("id", version.id().toString());
		doc.put("name", profile.name());
		doc.put("version", version.version());
		doc.put("owner", profile.owner());
		doc.put("team", profile.team());
		doc.put("platform", profile.platform());
		doc.put("environment", (profile.environment() != null) ? profile.environment().value() : null);
		doc.put("description", profile.description());
		doc.put("role", profile.role());
		doc.put("status", version.status().value());
		doc.put("riskLevel", version.riskLevel().value());
		doc.put("parentId", (version.parentId() != null) ? version.parentId().toString() : null);
		writeLists(doc, profile);
		ArrayNode keys = doc.putArray("keys");
		version.keys().forEach((key) -> keys.add(key(key)));
		doc.put("createdAt", version.createdAt().toString());
		doc.put("updatedAt", version.updatedAt().toString());
		return doc;
	}

	/**
	 * The writable members of a document: what a JSON merge patch applies to.
	 * @param profile the profile
	 * @return the members
	 */
	static ObjectNode profile(AgentProfile profile) {
		ObjectNode doc = NODES.objectNode();
		doc.put("name", profile.name());
		doc.put("owner", profile.owner());
		doc.put("team", profile.team());
		doc.put("platform", profile.platform());
		doc.put("environment", (profile.environment() != null) ? profile.environment().value() : null);
		doc.put("description", profile.description());
		doc.put("role", profile.role());
		writeLists(doc, profile);
		return doc;
	}

	/** A key: its public JWK members, status, created, expires. */
	private static ObjectNode key(AgentKey key) {
		ObjectNode json = NODES.objectNode();
		json.put("kid", key.kid());
		Map<String, Object> members = key.jwk().toPublicJWK().toJSONObject();
		for (String member : List.of("kty", "crv", "x", "y")) {
			if (members.get(member) instanceof String value) {
				json.put(member, value);
			}
		}
		json.put("alg", (key.jwk().getAlgorithm() != null) ? key.jwk().getAlgorithm().getName() : null);
		json.put("status", key.status().value());
		json.put("createdAt", key.createdAt().toString());
		json.put("expiresAt", (key.expiresAt() != null) ? key.expiresAt().toString() : null);
		return json;
	}

	private static void writeLists(ObjectNode doc, AgentProfile profile) {
		ArrayNode capabilities = doc.putArray("capabilities");
		for (Capability capability : profile.capabilities()) {
			ObjectNode json = capabilities.addObject()
				.put("scope", capability.scope())
				.put("description", capability.description())
				.put("riskLevel", capability.riskLevel().value());
			if (capability.condition() != null) {
				json.put("condition", capability.condition());
			}
		}
		ArrayNode tools = doc.putArray("tools");
		for (Tool tool : profile.tools()) {
			ObjectNode json = tools.addObject().put("id", tool.id()).put("mcpServer", tool.mcpServer());
			ArrayNode permissions = json.putArray("permissions");
			tool.permissions().forEach(permissions::add);
		}
		ArrayNode resources = doc.putArray("resources");
		profile.resources().forEach(resources::add);
		ArrayNode dataAccess = doc.putArray("dataAccess");
		for (DataAccess access : profile.dataAccess()) {
			ObjectNode json = dataAccess.addObject()
				.put("resource", access.resource())
				.put("access", access.access().value())
				.put("sensitivity", access.sensitivity().value());
			if (access.condition() != null) {
				json.put("condition", access.condition());
			}
		}
		ObjectNode oversight = doc.putObject("humanOversight");
		ArrayNode requiredFor = oversight.putArray("requiredFor");
		profile.humanOversight().requiredFor().forEach(requiredFor::add);
		ArrayNode approvers = oversight.putArray("approvers");
		profile.humanOversight().approvers().forEach(approvers::add);
		ObjectNode tokenPolicy = doc.putObject("tokenPolicy")
			.put("defaultTtlSeconds", profile.tokenPolicy().defaultTtlSeconds())
			.put("maxTtlSeconds", profile.tokenPolicy().maxTtlSeconds())
			.put("maxDelegationDepth", profile.tokenPolicy().maxDelegationDepth())
			.put("maxSubAgents", profile.tokenPolicy().maxSubAgents())
			.put("proofOfPossession", profile.tokenPolicy().proofOfPossession().value())
			.put("approvedTokenTtlSeconds", profile.tokenPolicy().approvedTokenTtlSeconds());
		if (profile.tokenPolicy().onAttestationMismatch() != AttestationMismatch.DENY) {
			tokenPolicy.put("onAttestationMismatch", profile.tokenPolicy().onAttestationMismatch().value());
		}
		TaskBudget budget = profile.tokenPolicy().budget();
		if (budget != null) {
			tokenPolicy.putObject("budget")
				.put("unit", budget.unit())
				.put("perTask", budget.perTask())
				.put("reserveAbove", budget.reserveAbove())
				.put("highCost", budget.highCost());
		}
		if (!profile.tokenPolicy().anomaly().isEmpty()) {
			tokenPolicy.set("anomaly", JSON.valueToTree(profile.tokenPolicy().anomaly().members()));
		}
		// shown only when declared, as stored (docs/workload-identity.md)
		if (!profile.workloadIdentity().isEmpty()) {
			ArrayNode identities = doc.putArray("workloadIdentity");
			for (WorkloadIdentity identity : profile.workloadIdentity()) {
				identities.addObject().put("issuer", identity.issuer()).put("subject", identity.subject());
			}
		}
		// shown only when declared, as stored
		AgentAttestation attestation = profile.attestation();
		if (attestation != null) {
			ObjectNode json = doc.putObject("attestation").put("required", attestation.required());
			ArrayNode attesters = json.putArray("attesters");
			attestation.attesters().forEach(attesters::add);
			ObjectNode claims = json.putObject("claims");
			attestation.claims().forEach(claims::put);
		}
	}

}
