package dev.agentidp.registry;

import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.nimbusds.jose.jwk.JWK;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON the agent tables hold: {@code agent.profile} (the writable fields of the
 * identity document) and {@code agent_version.document} (the whole document as it was at
 * a version, in the shape the admin API shows). Written in the shape they have always
 * had; read back checking only what the value types need to exist, never the rules input
 * must follow ({@link ProfileInvariants}, the admin API's request records): a row written
 * under an older rule stays readable, and listable, when a rule gets stricter.
 */
final class StoredDocuments {

	/**
	 * Decimals (a budget's amounts) are read exactly as stored, never through a double.
	 */
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private StoredDocuments() {
	}

	// ---------------------------------------------------------------- writing

	/**
	 * The writable fields of a profile, as {@code agent.profile} holds them.
	 * @param profile the profile
	 * @return the JSON text
	 */
	static String profileJson(AgentProfile profile) {
		ObjectNode doc = NODES.objectNode();
		writeProfileScalars(doc, profile);
		writeProfileLists(doc, profile);
		return doc.toString();
	}

	/**
	 * A version of an agent, as {@code agent_version.document} holds it.
	 * @param version the version
	 * @return the JSON text
	 */
	static String versionJson(AgentVersion version) {
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
		writeProfileLists(doc, profile);
		ArrayNode keys = doc.putArray("keys");
		for (AgentKey key : version.keys()) {
			ObjectNode json = keys.addObject();
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
		}
		doc.put("createdAt", version.createdAt().toString());
		doc.put("updatedAt", version.updatedAt().toString());
		return doc.toString();
	}

	/**
	 * The public JWK stored for a key, as JSON text.
	 * @param jwk the public JWK
	 * @return its JSON
	 */
	static String jwkJson(JWK jwk) {
		return jwk.toPublicJWK().toJSONString();
	}

	private static void writeProfileScalars(ObjectNode doc, AgentProfile profile) {
		doc.put("name", profile.name());
		doc.put("owner", profile.owner());
		doc.put("team", profile.team());
		doc.put("platform", profile.platform());
		doc.put("environment", (profile.environment() != null) ? profile.environment().value() : null);
		doc.put("description", profile.description());
		doc.put("role", profile.role());
	}

	private static void writeProfileLists(ObjectNode doc, AgentProfile profile) {
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
		// written only when it is not the default: documents keep the shape they had
		if (profile.tokenPolicy().onAttestationMismatch() != AttestationMismatch.DENY) {
			tokenPolicy.put("onAttestationMismatch", profile.tokenPolicy().onAttestationMismatch().value());
		}
		TaskBudget budget = profile.tokenPolicy().budget();
		if (budget != null) {
			// exact decimals, as written
			tokenPolicy.putObject("budget")
				.put("unit", budget.unit())
				.put("perTask", budget.perTask())
				.put("reserveAbove", budget.reserveAbove())
				.put("highCost", budget.highCost());
		}
		AnomalyPolicy anomaly = profile.tokenPolicy().anomaly();
		if (!anomaly.isEmpty()) {
			tokenPolicy.set("anomaly", JSON.valueToTree(anomaly.members()));
		}
		// written only when declared: the documents of agents without one keep the shape
		// they always had
		if (!profile.workloadIdentity().isEmpty()) {
			ArrayNode identities = doc.putArray("workloadIdentity");
			for (WorkloadIdentity identity : profile.workloadIdentity()) {
				identities.addObject().put("issuer", identity.issuer()).put("subject", identity.subject());
			}
		}
		if (profile.attestation() != null) {
			writeAttestation(doc.putObject("attestation"), profile.attestation());
		}
	}

	private static void writeAttestation(ObjectNode json, AgentAttestation attestation) {
		json.put("required", attestation.required());
		ArrayNode attesters = json.putArray("attesters");
		attestation.attesters().forEach(attesters::add);
		ObjectNode claims = json.putObject("claims");
		attestation.claims().forEach(claims::put);
	}

	private static AgentAttestation readAttestation(JsonNode node) {
		if (node == null || !node.isObject()) {
			return null;
		}
		Map<String, String> claims = new LinkedHashMap<>();
		node.path("claims").properties().forEach((claim) -> claims.put(claim.getKey(), claim.getValue().asString()));
		return new AgentAttestation(node.path("required").asBoolean(false),
				list(node.get("attesters"), JsonNode::asString), claims);
	}

	// ---------------------------------------------------------------- reading

	/**
	 * Reads {@code agent.profile}.
	 * @param json the stored JSON text
	 * @return the profile
	 * @throws IllegalStateException when the row lacks what a profile needs
	 */
	static AgentProfile readProfile(String json) {
		return readProfile(JSON.readTree(json));
	}

	/**
	 * Reads {@code agent_version.document}.
	 * @param json the stored JSON text
	 * @return the version
	 * @throws IllegalStateException when the row lacks what a version needs
	 */
	static AgentVersion readVersion(String json) {
		JsonNode doc = JSON.readTree(json);
		List<AgentKey> keys = list(doc.get("keys"), StoredDocuments::readKey);
		return new AgentVersion(AgentId.of(text(doc, "id")), optional(doc, "parentId").map(AgentId::of).orElse(null),
				doc.path("version").asLong(), known(AgentStatus::from, "status", text(doc, "status")), readProfile(doc),
				keys, Instant.parse(text(doc, "createdAt")), Instant.parse(text(doc, "updatedAt")));
	}

	private static AgentProfile readProfile(JsonNode doc) {
		Environment environment = optional(doc, "environment")
			.map((value) -> known(Environment::from, "environment", value))
			.orElse(null);
		List<Capability> capabilities = list(doc.get("capabilities"),
				(node) -> new Capability(text(node, "scope"), optional(node, "description").orElse(null),
						known(RiskLevel::from, "riskLevel", text(node, "riskLevel")),
						optional(node, "condition").orElse(null)));
		List<Tool> tools = list(doc.get("tools"), (node) -> new Tool(text(node, "id"), text(node, "mcpServer"),
				list(node.get("permissions"), JsonNode::asString)));
		List<DataAccess> dataAccess = list(doc.get("dataAccess"),
				(node) -> new DataAccess(text(node, "resource"), known(Access::from, "access", text(node, "access")),
						known(Sensitivity::from, "sensitivity", text(node, "sensitivity")),
						optional(node, "condition").orElse(null)));
		JsonNode oversight = doc.path("humanOversight");
		return new AgentProfile(text(doc, "name"), text(doc, "owner"), optional(doc, "team").orElse(null),
				optional(doc, "platform").orElse(null), environment, optional(doc, "description").orElse(null),
				optional(doc, "role").orElse(null), capabilities, tools, list(doc.get("resources"), JsonNode::asString),
				dataAccess,
				new HumanOversight(list(oversight.get("requiredFor"), JsonNode::asString),
						list(oversight.get("approvers"), JsonNode::asString)),
				readTokenPolicy(doc.get("tokenPolicy")),
				list(doc.get("workloadIdentity"),
						(node) -> new WorkloadIdentity(text(node, "issuer"), text(node, "subject"))),
				readAttestation(doc.get("attestation")));
	}

	private static TokenPolicy readTokenPolicy(JsonNode node) {
		if (node == null || !node.isObject()) {
			return TokenPolicy.DEFAULT;
		}
		TokenPolicy defaults = TokenPolicy.DEFAULT;
		return new TokenPolicy(node.path("defaultTtlSeconds").asInt(defaults.defaultTtlSeconds()),
				node.path("maxTtlSeconds").asInt(defaults.maxTtlSeconds()),
				node.path("maxDelegationDepth").asInt(defaults.maxDelegationDepth()),
				node.path("maxSubAgents").asInt(TokenPolicy.DEFAULT_MAX_SUB_AGENTS), readBudget(node.get("budget")),
				optional(node, "proofOfPossession")
					.map((value) -> known(ProofOfPossession::from, "proofOfPossession", value))
					.orElse(ProofOfPossession.NONE),
				node.path("approvedTokenTtlSeconds").asInt(TokenPolicy.DEFAULT_APPROVED_TOKEN_TTL_SECONDS),
				readAnomaly(node.get("anomaly")),
				optional(node, "onAttestationMismatch")
					.map((value) -> known(AttestationMismatch::from, "onAttestationMismatch", value))
					.orElse(AttestationMismatch.DENY));
	}

	private static AnomalyPolicy readAnomaly(JsonNode node) {
		if (node == null || !node.isObject()) {
			return AnomalyPolicy.NONE;
		}
		Map<String, AnomalyReaction> reactions = new LinkedHashMap<>();
		JsonNode stored = node.get("reactions");
		if (stored != null && stored.isObject()) {
			for (Map.Entry<String, JsonNode> reaction : stored.properties()) {
				reactions.put(reaction.getKey(),
						known(AnomalyReaction::from, "reactions", reaction.getValue().asString()));
			}
		}
		return new AnomalyPolicy(integer(node, "learningPeriodHours"), integer(node, "rateFactor"),
				integer(node, "minimumCalls"), integer(node, "denialPercent"), integer(node, "subAgentFactor"),
				integer(node, "failedAuthentications"), reactions);
	}

	private static Integer integer(JsonNode node, String member) {
		JsonNode value = node.get(member);
		return (value != null && value.isNumber()) ? value.asInt() : null;
	}

	private static TaskBudget readBudget(JsonNode node) {
		if (node == null || !node.isObject()) {
			return null;
		}
		return new TaskBudget(text(node, "unit"), node.path("perTask").decimalValue(),
				node.path("reserveAbove").decimalValue(), node.path("highCost").decimalValue());
	}

	private static AgentKey readKey(JsonNode node) {
		Map<String, Object> members = new LinkedHashMap<>();
		for (String member : List.of("kty", "crv", "x", "y", "kid", "alg")) {
			optional(node, member).ifPresent((value) -> members.put(member, value));
		}
		JWK jwk;
		try {
			jwk = JWK.parse(members);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("A stored key " + members.get("kid") + " is not a JWK", ex);
		}
		return new AgentKey(text(node, "kid"), jwk, known(KeyStatus::from, "status", text(node, "status")),
				Instant.parse(text(node, "createdAt")), optional(node, "expiresAt").map(Instant::parse).orElse(null));
	}

	/** A member the stored document must have, as text. */
	private static String text(JsonNode node, String member) {
		return optional(node, member)
			.orElseThrow(() -> new IllegalStateException("A stored identity document lacks " + member));
	}

	private static Optional<String> optional(JsonNode node, String member) {
		JsonNode value = node.get(member);
		return (value != null && value.isString()) ? Optional.of(value.stringValue()) : Optional.empty();
	}

	/**
	 * A stored enumeration value: an unknown one means the model changed without a
	 * migration, not that an input rule got stricter.
	 */
	private static <T> T known(Function<String, Optional<T>> parse, String member, String value) {
		return parse.apply(value)
			.orElseThrow(() -> new IllegalStateException("A stored " + member + " '" + value + "' is unknown"));
	}

	private static <T> List<T> list(JsonNode node, Function<JsonNode, T> element) {
		if (node == null || !node.isArray()) {
			return List.of();
		}
		List<T> result = new ArrayList<>(node.size());
		node.forEach((item) -> result.add(element.apply(item)));
		return result;
	}

}
