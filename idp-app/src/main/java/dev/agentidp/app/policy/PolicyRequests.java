package dev.agentidp.app.policy;

import java.io.IOException;
import java.util.Map;

import dev.agentidp.app.policy.AccessEvaluationBodies.ActionSearch;
import dev.agentidp.app.policy.AccessEvaluationBodies.Evaluation;
import dev.agentidp.app.policy.AccessEvaluationBodies.Options;
import dev.agentidp.app.policy.AccessEvaluationBodies.ResourceSearch;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Reads the policy decision point's JSON bodies strictly: at most
 * {@value #MAX_BODY_BYTES} bytes of {@code application/json}, well-formed, no duplicate
 * or unknown member, no coercion (a cost given as a string is refused, not read as a
 * number; numbers read as exact decimals, so {@code -1e-400} is negative), then the
 * request objects' rules ({@link AccessEvaluationBodies.Reading});
 * {@code context.arguments} and {@code resource.properties} at most
 * {@value #MAX_MEMBER_BYTES} bytes each. Every refusal names the field's path and the
 * rule.
 */
@Component
class PolicyRequests {

	/** The largest body, in bytes. */
	static final int MAX_BODY_BYTES = 256 * 1024;

	/**
	 * The largest {@code context.arguments} (and {@code resource.properties}), as JSON.
	 */
	static final int MAX_MEMBER_BYTES = 16 * 1024;

	/** The most evaluations in one batch. */
	static final int MAX_EVALUATIONS = 100;

	private final JsonMapper json = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
				DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.build();

	/**
	 * The request's body as a JSON object.
	 * @param request the request
	 * @return the body
	 * @throws PolicyRequestException when it is not acceptable
	 */
	JsonNode body(HttpServletRequest request) {
		String type = request.getContentType();
		if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(type))) {
			throw new PolicyRequestException("Content-Type", "must be application/json");
		}
		byte[] body;
		try {
			body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
		}
		catch (IOException ex) {
			throw new PolicyRequestException("body", "could not be read");
		}
		if (body.length > MAX_BODY_BYTES) {
			throw new PolicyRequestException("body", "must be at most " + MAX_BODY_BYTES + " bytes");
		}
		if (body.length == 0) {
			throw new PolicyRequestException("body", "is required (a JSON object)");
		}
		JsonNode tree;
		try {
			tree = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new PolicyRequestException("body", "is not well-formed JSON (RFC 8259)");
		}
		if (tree == null || !tree.isObject()) {
			throw new PolicyRequestException("body", "must be a JSON object");
		}
		return tree;
	}

	/**
	 * An access evaluation request, read with its rules
	 * ({@link AccessEvaluationBodies.Reading}).
	 * @param node the JSON object
	 * @param prefix the path of the object in the body ({@code ""} for the body itself,
	 * else ending with a dot)
	 * @return the request
	 * @throws PolicyRequestException when it is not acceptable
	 */
	Evaluation evaluation(JsonNode node, String prefix) {
		return reading(prefix).evaluation(node);
	}

	/** A resource search request, as {@link #evaluation} reads one. */
	ResourceSearch resourceSearch(JsonNode node) {
		return reading("").resourceSearch(node);
	}

	/** An action search request, as {@link #evaluation} reads one. */
	ActionSearch actionSearch(JsonNode node) {
		return reading("").actionSearch(node);
	}

	/** A batch's {@code options}, as {@link #evaluation} reads an evaluation. */
	Options options(JsonNode node) {
		return reading("options.").options(node);
	}

	@SuppressWarnings("unchecked")
	private AccessEvaluationBodies.Reading reading(String prefix) {
		return new AccessEvaluationBodies.Reading(prefix, (node) -> this.json.treeToValue(node, Map.class));
	}

	/**
	 * Refuses a JSON member that is too large.
	 * @param field its path
	 * @param member its value, or {@code null}
	 * @throws PolicyRequestException when its JSON form exceeds
	 * {@value #MAX_MEMBER_BYTES} bytes
	 */
	void requireSmall(String field, Map<String, Object> member) {
		if (member != null && this.json.writeValueAsBytes(member).length > MAX_MEMBER_BYTES) {
			throw new PolicyRequestException(field, "must be at most " + MAX_MEMBER_BYTES + " bytes of JSON");
		}
	}

}
