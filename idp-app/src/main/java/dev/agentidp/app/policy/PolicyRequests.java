package dev.agentidp.app.policy;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Reads the policy decision point's JSON bodies strictly: at most
 * {@value #MAX_BODY_BYTES} bytes of {@code application/json}, well-formed, no duplicate
 * or unknown member, no coercion (a cost given as a string is refused, not read as a
 * number; numbers read as exact decimals, so {@code -1e-400} is negative), then Bean
 * Validation; {@code context.arguments} and {@code resource.properties} at most
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

	private final Validator validator;

	PolicyRequests(Validator validator) {
		Assert.notNull(validator, "validator cannot be null");
		this.validator = validator;
	}

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
	 * Binds a JSON object to a request record and validates it.
	 * @param <T> the record type
	 * @param node the JSON object
	 * @param type the record type
	 * @param prefix the path of the object in the body ({@code ""} for the body itself,
	 * else ending with a dot)
	 * @return the record
	 * @throws PolicyRequestException when it is not acceptable
	 */
	<T> T bind(JsonNode node, Class<T> type, String prefix) {
		T value;
		try {
			value = this.json.treeToValue(node, type);
		}
		catch (UnrecognizedPropertyException ex) {
			throw new PolicyRequestException(prefix + path(ex), "is not a member of the request (AuthZEN 1.0)");
		}
		catch (MismatchedInputException ex) {
			throw new PolicyRequestException(prefix + path(ex), "must be " + kind(ex.getTargetType()));
		}
		catch (StreamReadException ex) {
			throw new PolicyRequestException(prefix + path(ex), "is not well-formed JSON (RFC 8259)");
		}
		catch (JacksonException ex) {
			throw new PolicyRequestException(prefix + path(ex), "is not acceptable");
		}
		if (value == null) {
			throw new PolicyRequestException(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
					"must be a JSON object");
		}
		Set<ConstraintViolation<T>> violations = this.validator.validate(value);
		if (!violations.isEmpty()) {
			ConstraintViolation<T> first = violations.stream()
				.min(Comparator.comparing((ConstraintViolation<T> violation) -> violation.getPropertyPath().toString()))
				.orElseThrow();
			throw new PolicyRequestException(prefix + first.getPropertyPath(), first.getMessage());
		}
		return value;
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

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		List<JacksonException.Reference> references = ex.getPath();
		for (JacksonException.Reference reference : references) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "body" : path.toString();
	}

	private static String kind(Class<?> type) {
		if (type == null) {
			return "of another type";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
			return "a number";
		}
		if (CharSequence.class.isAssignableFrom(type)) {
			return "a string";
		}
		if (Map.class.isAssignableFrom(type) || type.isRecord()) {
			return "a JSON object";
		}
		if (List.class.isAssignableFrom(type)) {
			return "a JSON array";
		}
		return "of another type";
	}

}
