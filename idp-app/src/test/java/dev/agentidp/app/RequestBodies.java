package dev.agentidp.app;

import jakarta.validation.Validation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.server.ResponseStatusException;

/**
 * Admin API bodies read as the provider reads them, without a Spring context: the JSON
 * text's rules ({@link AdminJsonText}), strict binding ({@link AdminRequestJson}) and
 * Bean Validation ({@link AdminBodies}), each failure as the detail of its 400.
 */
public final class RequestBodies {

	/** The provider's mapper, as {@link AdminRequestJson} configures it. */
	public static final JsonMapper JSON = AdminRequestJson.strict(JsonMapper.builder()).build();

	/** The checks, with a plain validator. */
	public static final AdminBodies BODIES = new AdminBodies(JSON,
			Validation.buildDefaultValidatorFactory().getValidator());

	private RequestBodies() {
	}

	/**
	 * Reads a body that must break no rule.
	 * @param <T> the request record
	 * @param json the body
	 * @param type the request record
	 * @param groups the validation groups beyond the default one
	 * @return the checked body
	 */
	public static <T> T read(String json, Class<T> type, Class<?>... groups) {
		String problem = AdminJsonText.firstProblem(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		if (problem != null) {
			throw new AssertionError("refused: " + problem);
		}
		return BODIES.valid(JSON.readValue(json, type), type, groups);
	}

	/**
	 * The detail of the 400 a body is answered with.
	 * @param json the body
	 * @param type the request record
	 * @param groups the validation groups beyond the default one
	 * @return the detail
	 * @throws AssertionError when the body is accepted, or is no JSON
	 */
	public static String refused(String json, Class<?> type, Class<?>... groups) {
		String problem = AdminJsonText.firstProblem(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		if (problem != null) {
			return problem;
		}
		try {
			read(json, type, groups);
		}
		catch (ResponseStatusException ex) {
			return ex.getReason();
		}
		catch (JacksonException ex) {
			String detail = AdminBodyErrors.detail(ex);
			if (detail == null) {
				throw new AssertionError("no JSON: " + json, ex);
			}
			return detail;
		}
		throw new AssertionError("accepted: " + json);
	}

}
