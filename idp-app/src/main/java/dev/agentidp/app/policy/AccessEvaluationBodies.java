package dev.agentidp.app.policy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.agentidp.policy.AccessRequest;
import dev.agentidp.policy.DpopPresentation;
import dev.agentidp.policy.EvaluationsSemantic;
import dev.agentidp.policy.PolicyDecisionPoint;
import dev.agentidp.policy.ResourceType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The JSON bodies of the AuthZEN 1.0 endpoints, as records (docs/policy.md "Contract"),
 * and the rules of their members, read from the parsed body by {@link Reading}.
 */
final class AccessEvaluationBodies {

	private static final BigDecimal MOST_COST = new BigDecimal("1e12");

	private AccessEvaluationBodies() {
	}

	/** {@code subject}: the acting agent and its token. */
	record Subject(String type, String id, SubjectProperties properties) {
	}

	/**
	 * {@code subject.properties}: the token and, for a DPoP-bound token, the proof the
	 * tool server received with the call and that call's method and URI (RFC 9449 §4.3:
	 * {@code htm}, {@code htu}). The proof's own checks, its size among them, are the
	 * decision's ({@code proof_invalid}), not the syntax's.
	 */
	record SubjectProperties(String token, String dpop_proof, String htm, String htu) {

		DpopPresentation dpop() {
			return new DpopPresentation(this.dpop_proof, this.htm, this.htu);
		}

	}

	/** {@code action}. */
	record Action(String name) {
	}

	/** {@code resource}: a tool or a data resource (of a resource search: its type). */
	record Resource(String type, String id, Map<String, Object> properties) {
	}

	/** {@code context}. */
	record Context(BigDecimal cost, Map<String, Object> arguments) {
	}

	/** {@code page} of a search request (AuthZEN 1.0 paging). */
	record Page(String token, Integer limit) {
	}

	/** {@code options} of a batch. */
	record Options(String evaluations_semantic) {
	}

	/** An access evaluation request. */
	record Evaluation(Subject subject, Action action, Resource resource, Context context) {

		AccessRequest toAccessRequest() {
			return new AccessRequest(this.subject.id(), this.subject.properties().token(), this.action.name(),
					ResourceType.from(this.resource.type()).orElseThrow(), this.resource.id(),
					this.resource.properties(), (this.context != null) ? this.context.cost() : null,
					(this.context != null) ? this.context.arguments() : null, this.subject.properties().dpop());
		}

	}

	/** A resource search request. */
	record ResourceSearch(Subject subject, Action action, Resource resource, Context context, Page page) {
	}

	/** An action search request. */
	record ActionSearch(Subject subject, Resource resource, Context context, Page page) {
	}

	/**
	 * Reads one request object from the parsed body, with every rule of its members.
	 * Written by hand instead of Jackson's data binding followed by Bean Validation: the
	 * two took about a sixth of a decision's request-thread CPU samples (JFR, issue 16),
	 * and the rules are few and flat. It answers what they answered:
	 * <ul>
	 * <li>first the shape, in document order, at the first fault: a member the object
	 * does not have ({@code is not a member of the request (AuthZEN 1.0)}) or a value of
	 * the wrong JSON type ({@code must be a string}, {@code a number},
	 * {@code an integer}, {@code a JSON object}); no coercion, so a cost given as a
	 * string is refused;</li>
	 * <li>then the members' rules, all of them checked and the one with the smallest path
	 * reported, as {@code "<field path>: <rule>"}.</li>
	 * </ul>
	 * Numbers are the parser's exact decimals ({@link PolicyRequests}), so
	 * {@code -1e-400} is negative; {@code properties} and {@code arguments} become maps
	 * through the given converter.
	 */
	static final class Reading {

		private final String prefix;

		private final Function<JsonNode, Map<String, Object>> maps;

		private final List<String> paths = new ArrayList<>(2);

		private final List<String> rules = new ArrayList<>(2);

		/** The members of a request object, as read. */
		private static final class Members {

			private Subject subject;

			private Action action;

			private Resource resource;

			private Context context;

			private Page page;

		}

		/**
		 * @param prefix the path of the object in the body ({@code ""} for the body
		 * itself, else ending with a dot)
		 * @param maps turns a JSON object into a map
		 */
		Reading(String prefix, Function<JsonNode, Map<String, Object>> maps) {
			this.prefix = prefix;
			this.maps = maps;
		}

		Evaluation evaluation(JsonNode node) {
			Members members = members(node, Set.of("subject", "action", "resource", "context"), false);
			required(members.action, "action");
			return done(new Evaluation(members.subject, members.action, members.resource, members.context));
		}

		ResourceSearch resourceSearch(JsonNode node) {
			Members members = members(node, Set.of("subject", "action", "resource", "context", "page"), true);
			return done(new ResourceSearch(members.subject, members.action, members.resource, members.context,
					members.page));
		}

		ActionSearch actionSearch(JsonNode node) {
			Members members = members(node, Set.of("subject", "resource", "context", "page"), false);
			return done(new ActionSearch(members.subject, members.resource, members.context, members.page));
		}

		/**
		 * The members of a request object that it has ({@code names}), each read where it
		 * stands; {@code subject} and {@code resource} are required in every one (of a
		 * resource search, the resource's type only: {@code kind}).
		 */
		private Members members(JsonNode node, Set<String> names, boolean kind) {
			Members members = new Members();
			for (Map.Entry<String, JsonNode> member : object(node, "").properties()) {
				String at = member.getKey();
				if (!names.contains(at)) {
					throw unknown(at);
				}
				switch (at) {
					case "subject" -> members.subject = subject(member.getValue(), at);
					case "action" -> members.action = action(member.getValue(), at);
					case "resource" -> members.resource = resource(member.getValue(), at, kind);
					case "context" -> members.context = context(member.getValue(), at);
					default -> members.page = page(member.getValue(), at);
				}
			}
			required(members.subject, "subject");
			required(members.resource, "resource");
			return members;
		}

		Options options(JsonNode node) {
			String semantic = null;
			for (Map.Entry<String, JsonNode> member : object(node, "").properties()) {
				if (!member.getKey().equals("evaluations_semantic")) {
					throw unknown(member.getKey());
				}
				semantic = string(member.getValue(), member.getKey());
			}
			if (semantic != null && EvaluationsSemantic.from(semantic).isEmpty()) {
				violation("evaluations_semantic", "must be execute_all, deny_on_first_deny or permit_on_first_permit");
			}
			return done(new Options(semantic));
		}

		private Subject subject(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			String type = null;
			String id = null;
			SubjectProperties properties = null;
			for (Map.Entry<String, JsonNode> member : object(node, path).properties()) {
				String at = path + "." + member.getKey();
				switch (member.getKey()) {
					case "type" -> type = string(member.getValue(), at);
					case "id" -> id = string(member.getValue(), at);
					case "properties" -> properties = subjectProperties(member.getValue(), at);
					default -> throw unknown(at);
				}
			}
			if (required(type, path + ".type") && !type.equals("agent")) {
				violation(path + ".type", "must be agent");
			}
			text(id, path + ".id", 64);
			if (properties == null) {
				violation(path + ".properties", "must hold the agent's access token as token");
			}
			return new Subject(type, id, properties);
		}

		private SubjectProperties subjectProperties(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			String token = null;
			String proof = null;
			String htm = null;
			String htu = null;
			for (Map.Entry<String, JsonNode> member : object(node, path).properties()) {
				String at = path + "." + member.getKey();
				switch (member.getKey()) {
					case "token" -> token = string(member.getValue(), at);
					case "dpop_proof" -> proof = string(member.getValue(), at);
					case "htm" -> htm = string(member.getValue(), at);
					case "htu" -> htu = string(member.getValue(), at);
					default -> throw unknown(at);
				}
			}
			if (token == null || token.trim().isEmpty()) {
				violation(path + ".token", "must be the agent's access token");
			}
			size(token, path + ".token", 16384);
			printable(htm, path + ".htm", 16);
			printable(htu, path + ".htu", 4096);
			return new SubjectProperties(token, proof, htm, htu);
		}

		private Action action(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			String name = null;
			for (Map.Entry<String, JsonNode> member : object(node, path).properties()) {
				String at = path + "." + member.getKey();
				if (!member.getKey().equals("name")) {
					throw unknown(at);
				}
				name = string(member.getValue(), at);
			}
			text(name, path + ".name", 128);
			return new Action(name);
		}

		/**
		 * A resource; of a resource search ({@code kind}), only its type is required and
		 * its id is any string of at most 256 characters.
		 */
		private Resource resource(JsonNode node, String path, boolean kind) {
			if (node.isNull()) {
				return null;
			}
			String type = null;
			String id = null;
			Map<String, Object> properties = null;
			for (Map.Entry<String, JsonNode> member : object(node, path).properties()) {
				String at = path + "." + member.getKey();
				switch (member.getKey()) {
					case "type" -> type = string(member.getValue(), at);
					case "id" -> id = string(member.getValue(), at);
					case "properties" -> properties = map(member.getValue(), at);
					default -> throw unknown(at);
				}
			}
			if (required(type, path + ".type") && ResourceType.from(type).isEmpty()) {
				violation(path + ".type", "must be tool or data");
			}
			if (kind) {
				size(id, path + ".id", 256);
			}
			else {
				text(id, path + ".id", 256);
			}
			return new Resource(type, id, properties);
		}

		private Context context(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			BigDecimal cost = null;
			Map<String, Object> arguments = null;
			for (Map.Entry<String, JsonNode> member : object(node, path).properties()) {
				String at = path + "." + member.getKey();
				switch (member.getKey()) {
					case "cost" -> cost = number(member.getValue(), at);
					case "arguments" -> arguments = map(member.getValue(), at);
					default -> throw unknown(at);
				}
			}
			if (cost != null && cost.signum() < 0) {
				violation(path + ".cost", "must not be negative");
			}
			else if (cost != null && cost.compareTo(MOST_COST) > 0) {
				violation(path + ".cost", "must be at most 1e12");
			}
			return new Context(cost, arguments);
		}

		private Page page(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			String token = null;
			BigInteger limit = null;
			for (Map.Entry<String, JsonNode> member : object(node, path).properties()) {
				String at = path + "." + member.getKey();
				switch (member.getKey()) {
					case "token" -> token = string(member.getValue(), at);
					case "limit" -> limit = integer(member.getValue(), at);
					default -> throw unknown(at);
				}
			}
			size(token, path + ".token", 64);
			if (limit != null && limit.signum() <= 0) {
				violation(path + ".limit", "must be greater than or equal to 1");
			}
			else if (limit != null && limit.compareTo(BigInteger.valueOf(PolicyDecisionPoint.MAX_PAGE_SIZE)) > 0) {
				violation(path + ".limit", "must be less than or equal to " + PolicyDecisionPoint.MAX_PAGE_SIZE);
			}
			return new Page(token, (limit != null) ? limit.intValue() : null);
		}

		// --- the shape: thrown at the first fault, in document order -------------------

		private JsonNode object(JsonNode node, String path) {
			if (!node.isObject()) {
				throw new PolicyRequestException(path.isEmpty() ? whole() : this.prefix + path,
						"must be a JSON object");
			}
			return node;
		}

		private String string(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			if (!node.isString()) {
				throw new PolicyRequestException(this.prefix + path, "must be a string");
			}
			return node.stringValue();
		}

		private BigDecimal number(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			if (!node.isNumber()) {
				throw new PolicyRequestException(this.prefix + path, "must be a number");
			}
			return node.decimalValue();
		}

		private BigInteger integer(JsonNode node, String path) {
			if (number(node, path) == null) {
				return null;
			}
			if (!node.isIntegralNumber()) {
				throw new PolicyRequestException(this.prefix + path, "must be an integer");
			}
			return node.bigIntegerValue();
		}

		private Map<String, Object> map(JsonNode node, String path) {
			if (node.isNull()) {
				return null;
			}
			JsonNode object = object(node, path);
			try {
				return this.maps.apply(object);
			}
			catch (JacksonException ex) {
				throw new PolicyRequestException(this.prefix + path, "is not acceptable");
			}
		}

		/** The path of the object read: {@code body}, or its prefix without the dot. */
		private String whole() {
			return this.prefix.isEmpty() ? "body" : this.prefix.substring(0, this.prefix.length() - 1);
		}

		private PolicyRequestException unknown(String path) {
			return new PolicyRequestException(this.prefix + path, "is not a member of the request (AuthZEN 1.0)");
		}

		// --- the members' rules: every one checked, the smallest path reported ---

		private boolean required(Object value, String path) {
			if (value == null) {
				violation(path, "must not be null");
				return false;
			}
			return true;
		}

		/** Required, not blank, at most {@code max} characters, printable. */
		private void text(String value, String path, int max) {
			if (value == null || value.trim().isEmpty()) {
				violation(path, "must not be blank");
			}
			printable(value, path, max);
		}

		/** When given: at most {@code max} characters, printable. */
		private void printable(String value, String path, int max) {
			if (value == null) {
				return;
			}
			size(value, path, max);
			if (!isPrintable(value)) {
				violation(path, "must be printable text");
			}
		}

		/**
		 * At least one character and no control character ({@code \p{Cntrl}}: U+0000 to
		 * U+001F and U+007F), as the pattern {@code [^\p{Cntrl}]+} said; a loop, because
		 * the regular expression cost a third of the validation's samples.
		 */
		private static boolean isPrintable(String value) {
			if (value.isEmpty()) {
				return false;
			}
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if (c < 0x20 || c == 0x7f) {
					return false;
				}
			}
			return true;
		}

		private void size(String value, String path, int max) {
			if (value != null && value.length() > max) {
				violation(path, "size must be between 0 and " + max);
			}
		}

		private void violation(String path, String rule) {
			this.paths.add(path);
			this.rules.add(rule);
		}

		private <T> T done(T value) {
			int first = -1;
			for (int i = 0; i < this.paths.size(); i++) {
				if (first < 0 || this.paths.get(i).compareTo(this.paths.get(first)) < 0) {
					first = i;
				}
			}
			if (first >= 0) {
				throw new PolicyRequestException(this.prefix + this.paths.get(first), this.rules.get(first));
			}
			return value;
		}

	}

}
