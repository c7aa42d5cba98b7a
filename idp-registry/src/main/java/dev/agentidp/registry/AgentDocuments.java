package dev.agentidp.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import com.nimbusds.jose.jwk.JWK;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity document as JSON (docs/api.md "Contract"): how an {@link Agent} is shown,
 * and how a submitted document or merge patch is read, with an error naming the field and
 * the rule for anything out of place. Field names are exactly those of the admin API.
 */
public final class AgentDocuments {

	/** The fields an administrator writes (POST, PATCH). */
	static final Set<String> MUTABLE_FIELDS = Set.of("name", "owner", "team", "platform", "environment", "description",
			"role", "capabilities", "tools", "resources", "dataAccess", "humanOversight", "tokenPolicy");

	/** The fields only the server sets. */
	static final Set<String> SERVER_FIELDS = Set.of("id", "status", "version", "riskLevel", "parentId", "keys",
			"createdAt", "updatedAt");

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private AgentDocuments() {
	}

	/**
	 * The identity document of an agent, as the admin API shows it. Keys show their
	 * public members and the status in force at {@code now}; no private key material is
	 * ever part of it.
	 * @param agent the agent
	 * @param now the time the key statuses are evaluated at
	 * @return the document
	 */
	public static ObjectNode toJson(Agent agent, Instant now) {
		AgentProfile profile = agent.profile();
		ObjectNode doc = NODES.objectNode();
		doc.put("id", agent.id().toString());
		doc.put("name", profile.name());
		doc.put("version", agent.version());
		doc.put("owner", profile.owner());
		doc.put("team", profile.team());
		doc.put("platform", profile.platform());
		doc.put("environment", (profile.environment() != null) ? profile.environment().value() : null);
		doc.put("description", profile.description());
		doc.put("role", profile.role());
		doc.put("status", agent.status().value());
		doc.put("riskLevel", agent.riskLevel().value());
		doc.put("parentId", (agent.parentId() != null) ? agent.parentId().toString() : null);
		writeProfileLists(doc, profile);
		ArrayNode keys = doc.putArray("keys");
		for (AgentKey key : agent.keys()) {
			keys.add(keyJson(key, now));
		}
		doc.put("createdAt", agent.createdAt().toString());
		doc.put("updatedAt", agent.updatedAt().toString());
		return doc;
	}

	/**
	 * A key as the admin API shows it: its public JWK members, status, created, expires.
	 * @param key the key
	 * @param now the time its status is evaluated at
	 * @return the JSON object
	 */
	public static ObjectNode keyJson(AgentKey key, Instant now) {
		ObjectNode json = NODES.objectNode();
		json.put("kid", key.kid());
		Map<String, Object> members = key.jwk().toPublicJWK().toJSONObject();
		for (String member : List.of("kty", "crv", "x", "y")) {
			if (members.get(member) instanceof String value) {
				json.put(member, value);
			}
		}
		json.put("alg", (key.jwk().getAlgorithm() != null) ? key.jwk().getAlgorithm().getName() : null);
		json.put("status", key.statusAt(now).value());
		json.put("createdAt", key.createdAt().toString());
		json.put("expiresAt", (key.expiresAt() != null) ? key.expiresAt().toString() : null);
		return json;
	}

	/**
	 * The writable fields of a profile, as stored and as a merge patch applies to.
	 * @param profile the profile
	 * @return the JSON object
	 */
	static ObjectNode profileJson(AgentProfile profile) {
		ObjectNode doc = NODES.objectNode();
		doc.put("name", profile.name());
		doc.put("owner", profile.owner());
		doc.put("team", profile.team());
		doc.put("platform", profile.platform());
		doc.put("environment", (profile.environment() != null) ? profile.environment().value() : null);
		doc.put("description", profile.description());
		doc.put("role", profile.role());
		writeProfileLists(doc, profile);
		return doc;
	}

	private static void writeProfileLists(ObjectNode doc, AgentProfile profile) {
		ArrayNode capabilities = doc.putArray("capabilities");
		for (Capability capability : profile.capabilities()) {
			capabilities.addObject()
				.put("scope", capability.scope())
				.put("description", capability.description())
				.put("riskLevel", capability.riskLevel().value());
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
			dataAccess.addObject()
				.put("resource", access.resource())
				.put("access", access.access().value())
				.put("sensitivity", access.sensitivity().value());
		}
		ObjectNode oversight = doc.putObject("humanOversight");
		ArrayNode requiredFor = oversight.putArray("requiredFor");
		profile.humanOversight().requiredFor().forEach(requiredFor::add);
		ArrayNode approvers = oversight.putArray("approvers");
		profile.humanOversight().approvers().forEach(approvers::add);
		doc.putObject("tokenPolicy")
			.put("defaultTtlSeconds", profile.tokenPolicy().defaultTtlSeconds())
			.put("maxTtlSeconds", profile.tokenPolicy().maxTtlSeconds())
			.put("maxDelegationDepth", profile.tokenPolicy().maxDelegationDepth())
			.put("maxSubAgents", profile.tokenPolicy().maxSubAgents());
	}

	/**
	 * Applies a JSON merge patch.
	 * @param target the document patched (not modified)
	 * @param patch the patch
	 * @return the patched document
	 * @see <a href="https://www.rfc-editor.org/rfc/rfc7396#section-2">RFC 7396 §2</a>
	 */
	static JsonNode mergePatch(JsonNode target, JsonNode patch) {
		if (!patch.isObject()) {
			return patch;
		}
		ObjectNode result = (target != null && target.isObject()) ? ((ObjectNode) target).deepCopy()
				: NODES.objectNode();
		for (Map.Entry<String, JsonNode> member : patch.properties()) {
			if (member.getValue().isNull()) {
				result.remove(member.getKey());
			}
			else {
				result.set(member.getKey(), mergePatch(result.get(member.getKey()), member.getValue()));
			}
		}
		return result;
	}

	/**
	 * Reads the writable fields of a document.
	 * @param doc the JSON object
	 * @param extraAllowed further members the caller handles itself (e.g. {@code jwk})
	 * @return the profile
	 * @throws InvalidInputException naming the first field that breaks a rule
	 */
	static AgentProfile readProfile(JsonNode doc, Set<String> extraAllowed) {
		if (doc == null || !doc.isObject()) {
			throw new InvalidInputException("body", "must be a JSON object");
		}
		for (String field : doc.propertyNames()) {
			if (SERVER_FIELDS.contains(field)) {
				throw new InvalidInputException(field, "is set by the server and cannot be given");
			}
			if (!MUTABLE_FIELDS.contains(field) && !extraAllowed.contains(field)) {
				throw new InvalidInputException(field, "is not a field of the identity document");
			}
		}
		String name = requiredString(doc, "name", 64);
		if (!Names.isValid(name)) {
			throw new InvalidInputException("name", Names.RULE);
		}
		String owner = requiredString(doc, "owner", 254);
		if (!Emails.isValid(owner)) {
			throw new InvalidInputException("owner", Emails.RULE);
		}
		String team = optionalText(doc, "team", "team", 128);
		String platform = optionalText(doc, "platform", "platform", 128);
		String environmentValue = optionalText(doc, "environment", "environment", 16);
		Environment environment = (environmentValue != null) ? Environment.from(environmentValue)
			.orElseThrow(() -> new InvalidInputException("environment", "must be one of " + Environment.choices()))
				: null;
		String description = optionalDescription(doc.get("description"), "description");
		String role = optionalText(doc, "role", "role", 128);
		List<Capability> capabilities = readCapabilities(doc.get("capabilities"));
		List<Tool> tools = readArray(doc.get("tools"), "tools", AgentDocuments::readTool);
		List<String> resources = readResources(doc.get("resources"));
		List<DataAccess> dataAccess = readArray(doc.get("dataAccess"), "dataAccess", AgentDocuments::readDataAccess);
		HumanOversight oversight = readOversight(doc.get("humanOversight"));
		TokenPolicy policy = readTokenPolicy(doc.get("tokenPolicy"));
		return new AgentProfile(name, Emails.normalize(owner), team, platform, environment, description, role,
				capabilities, tools, resources, dataAccess, oversight, policy);
	}

	/**
	 * The resources an agent's tokens may name besides its tools' MCP servers: each an
	 * absolute URI without a fragment (RFC 8707 §2, as the {@code resource} parameter
	 * must be), at most 2,048 characters, each once.
	 */
	private static List<String> readResources(JsonNode node) {
		List<String> resources = readArray(node, "resources", (element, path) -> {
			String resource = string(element, path, 2048);
			if (!isAbsoluteUriWithoutFragment(resource)) {
				throw new InvalidInputException(path,
						"must be an absolute URI without a fragment (RFC 8707 §2), at most 2048 characters");
			}
			return resource;
		});
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < resources.size(); i++) {
			if (!seen.add(resources.get(i))) {
				throw new InvalidInputException("resources[" + i + "]", "duplicates " + resources.get(i));
			}
		}
		return resources;
	}

	private static List<Capability> readCapabilities(JsonNode node) {
		if (node == null || node.isNull()) {
			throw new InvalidInputException("capabilities", "is required: at least one capability");
		}
		List<Capability> capabilities = readArray(node, "capabilities", AgentDocuments::readCapability);
		if (capabilities.isEmpty()) {
			throw new InvalidInputException("capabilities", "must hold at least one capability");
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < capabilities.size(); i++) {
			if (!seen.add(capabilities.get(i).scope())) {
				throw new InvalidInputException("capabilities[" + i + "].scope",
						"duplicates scope " + capabilities.get(i).scope());
			}
		}
		return capabilities;
	}

	private static Capability readCapability(JsonNode node, String path) {
		requireObject(node, path, Set.of("scope", "description", "riskLevel"));
		String scope = requiredString(node, "scope", path + ".scope", 1024);
		if (!Scopes.isValid(scope)) {
			throw new InvalidInputException(path + ".scope", Scopes.RULE);
		}
		if (Scopes.isReserved(scope)) {
			throw new InvalidInputException(path + ".scope", Scopes.RESERVED_RULE);
		}
		String description = optionalDescription(node.get("description"), path + ".description");
		String risk = requiredString(node, "riskLevel", path + ".riskLevel", 16);
		RiskLevel riskLevel = RiskLevel.from(risk)
			.orElseThrow(() -> new InvalidInputException(path + ".riskLevel", "must be one of " + RiskLevel.choices()));
		return new Capability(scope, description, riskLevel);
	}

	private static Tool readTool(JsonNode node, String path) {
		requireObject(node, path, Set.of("id", "mcpServer", "permissions"));
		String id = requiredText(node, "id", path + ".id", 128);
		String server = requiredString(node, "mcpServer", path + ".mcpServer", 2048);
		if (!isHttpUrl(server)) {
			throw new InvalidInputException(path + ".mcpServer",
					"must be an absolute http or https URL with a host (at most 2048 characters)");
		}
		List<String> permissions = readArray(node.get("permissions"), path + ".permissions",
				(element, elementPath) -> text(element, elementPath, 128));
		return new Tool(id, server, permissions);
	}

	private static DataAccess readDataAccess(JsonNode node, String path) {
		requireObject(node, path, Set.of("resource", "access", "sensitivity"));
		String resource = requiredText(node, "resource", path + ".resource", 256);
		Access access = Access.from(requiredString(node, "access", path + ".access", 16))
			.orElseThrow(() -> new InvalidInputException(path + ".access", "must be one of " + Access.choices()));
		Sensitivity sensitivity = Sensitivity.from(requiredString(node, "sensitivity", path + ".sensitivity", 16))
			.orElseThrow(
					() -> new InvalidInputException(path + ".sensitivity", "must be one of " + Sensitivity.choices()));
		return new DataAccess(resource, access, sensitivity);
	}

	private static HumanOversight readOversight(JsonNode node) {
		if (node == null || node.isNull()) {
			return HumanOversight.NONE;
		}
		requireObject(node, "humanOversight", Set.of("requiredFor", "approvers"));
		List<String> requiredFor = readArray(node.get("requiredFor"), "humanOversight.requiredFor", (element, path) -> {
			String scope = string(element, path, 1024);
			if (!Scopes.isValid(scope)) {
				throw new InvalidInputException(path, Scopes.RULE);
			}
			return scope;
		});
		List<String> approvers = readArray(node.get("approvers"), "humanOversight.approvers",
				(element, path) -> text(element, path, 128));
		return new HumanOversight(requiredFor, approvers);
	}

	private static TokenPolicy readTokenPolicy(JsonNode node) {
		if (node == null || node.isNull()) {
			return TokenPolicy.DEFAULT;
		}
		requireObject(node, "tokenPolicy",
				Set.of("defaultTtlSeconds", "maxTtlSeconds", "maxDelegationDepth", "maxSubAgents"));
		int maxTtl = optionalInt(node, "maxTtlSeconds", TokenPolicy.DEFAULT.maxTtlSeconds());
		if (maxTtl < 1 || maxTtl > TokenPolicy.MAX_TTL_SECONDS) {
			throw new InvalidInputException("tokenPolicy.maxTtlSeconds",
					"must be between 1 and " + TokenPolicy.MAX_TTL_SECONDS + " seconds (24 h)");
		}
		int defaultTtl = optionalInt(node, "defaultTtlSeconds",
				Math.min(TokenPolicy.DEFAULT.defaultTtlSeconds(), maxTtl));
		if (defaultTtl < 1 || defaultTtl > TokenPolicy.MAX_TTL_SECONDS) {
			throw new InvalidInputException("tokenPolicy.defaultTtlSeconds",
					"must be between 1 and " + TokenPolicy.MAX_TTL_SECONDS + " seconds (24 h)");
		}
		if (defaultTtl > maxTtl) {
			throw new InvalidInputException("tokenPolicy.defaultTtlSeconds",
					"must not exceed tokenPolicy.maxTtlSeconds (" + maxTtl + ")");
		}
		int depth = optionalInt(node, "maxDelegationDepth", TokenPolicy.DEFAULT.maxDelegationDepth());
		if (depth < 0 || depth > TokenPolicy.MAX_DELEGATION_DEPTH) {
			throw new InvalidInputException("tokenPolicy.maxDelegationDepth",
					"must be between 0 and " + TokenPolicy.MAX_DELEGATION_DEPTH);
		}
		int maxSubAgents = optionalInt(node, "maxSubAgents", TokenPolicy.DEFAULT_MAX_SUB_AGENTS);
		if (maxSubAgents < 0 || maxSubAgents > TokenPolicy.MAX_SUB_AGENTS) {
			throw new InvalidInputException("tokenPolicy.maxSubAgents",
					"must be between 0 and " + TokenPolicy.MAX_SUB_AGENTS);
		}
		return new TokenPolicy(defaultTtl, maxTtl, depth, maxSubAgents);
	}

	private static int optionalInt(JsonNode node, String field, int defaultValue) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return defaultValue;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt()) {
			throw new InvalidInputException("tokenPolicy." + field, "must be an integer");
		}
		return value.intValue();
	}

	static <T> List<T> readArray(JsonNode node, String path, BiFunction<JsonNode, String, T> element) {
		if (node == null || node.isNull()) {
			return List.of();
		}
		if (!node.isArray()) {
			throw new InvalidInputException(path, "must be an array");
		}
		if (node.size() > 256) {
			throw new InvalidInputException(path, "must hold at most 256 elements");
		}
		List<T> result = new ArrayList<>(node.size());
		for (int i = 0; i < node.size(); i++) {
			result.add(element.apply(node.get(i), path + "[" + i + "]"));
		}
		return result;
	}

	private static void requireObject(JsonNode node, String path, Set<String> allowed) {
		if (node == null || !node.isObject()) {
			throw new InvalidInputException(path, "must be a JSON object");
		}
		for (String field : node.propertyNames()) {
			if (!allowed.contains(field)) {
				throw new InvalidInputException(path + "." + field, "is not a known field (allowed: "
						+ String.join(", ", allowed.stream().sorted().toList()) + ")");
			}
		}
	}

	private static String requiredString(JsonNode doc, String field, int maxLength) {
		return requiredString(doc, field, field, maxLength);
	}

	private static String requiredString(JsonNode doc, String field, String path, int maxLength) {
		JsonNode value = doc.get(field);
		if (value == null || value.isNull()) {
			throw new InvalidInputException(path, "is required");
		}
		return string(value, path, maxLength);
	}

	private static String requiredText(JsonNode doc, String field, String path, int maxLength) {
		JsonNode value = doc.get(field);
		if (value == null || value.isNull()) {
			throw new InvalidInputException(path, "is required");
		}
		return text(value, path, maxLength);
	}

	private static String optionalText(JsonNode doc, String field, String path, int maxLength) {
		JsonNode value = doc.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		return text(value, path, maxLength);
	}

	private static String optionalDescription(JsonNode value, String path) {
		if (value == null || value.isNull()) {
			return null;
		}
		String text = string(value, path, 2048);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
				throw new InvalidInputException(path, "must not contain control characters other than tab and newline");
			}
		}
		return text;
	}

	/** A string of 1 to maxLength characters without control characters. */
	private static String text(JsonNode value, String path, int maxLength) {
		String text = string(value, path, maxLength);
		if (text.isBlank()) {
			throw new InvalidInputException(path, "must not be blank");
		}
		for (int i = 0; i < text.length(); i++) {
			if (Character.isISOControl(text.charAt(i))) {
				throw new InvalidInputException(path, "must not contain control characters");
			}
		}
		return text;
	}

	private static String string(JsonNode value, String path, int maxLength) {
		if (value == null || !value.isString()) {
			throw new InvalidInputException(path, "must be a string");
		}
		String text = value.stringValue();
		if (text.length() > maxLength) {
			throw new InvalidInputException(path, "must be at most " + maxLength + " characters");
		}
		return text;
	}

	private static boolean isHttpUrl(String value) {
		try {
			URI uri = new URI(value);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			return uri.isAbsolute() && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
					&& !uri.getHost().isEmpty();
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static boolean isAbsoluteUriWithoutFragment(String value) {
		try {
			URI uri = new URI(value);
			return uri.isAbsolute() && uri.getRawFragment() == null && !value.contains("#");
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	/**
	 * Reads a key given as {@code "jwk": {...}} or {@code "generateKey": true}.
	 * @param doc the JSON object holding either member
	 * @return the JWK members, or {@code null} when a key is to be generated
	 * @throws InvalidInputException when neither or both are given, or they are malformed
	 */
	static Map<String, Object> readKeyChoice(JsonNode doc) {
		JsonNode jwk = doc.get("jwk");
		JsonNode generate = doc.get("generateKey");
		boolean hasJwk = jwk != null && !jwk.isNull();
		if (generate != null && !generate.isNull() && !generate.isBoolean()) {
			throw new InvalidInputException("generateKey", "must be true or false");
		}
		boolean generateKey = generate != null && generate.isBoolean() && generate.booleanValue();
		if (hasJwk && generateKey) {
			throw new InvalidInputException("jwk", "give either jwk or generateKey: true, not both");
		}
		if (!hasJwk && !generateKey) {
			throw new InvalidInputException("jwk", "is required: give a public JWK, or generateKey: true");
		}
		if (generateKey) {
			return null;
		}
		if (!jwk.isObject()) {
			throw new InvalidInputException("jwk", "must be a JSON object (a public JWK)");
		}
		Map<String, Object> members = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> member : jwk.properties()) {
			JsonNode value = member.getValue();
			members.put(member.getKey(),
					value.isString() ? value.stringValue() : JSON.convertValue(value, Object.class));
		}
		return members;
	}

	/**
	 * The public JWK stored for a key, as JSON text.
	 * @param jwk the public JWK
	 * @return its JSON
	 */
	static String jwkJson(JWK jwk) {
		return jwk.toPublicJWK().toJSONString();
	}

}
