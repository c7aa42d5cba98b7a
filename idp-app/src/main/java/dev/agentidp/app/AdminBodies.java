package dev.agentidp.app;

import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;
import org.springframework.web.server.ResponseStatusException;

/**
 * Checks the admin API's request records with Bean Validation (issue 15, item 1), and
 * binds the ones a controller builds itself (a merged JSON merge patch) as Spring MVC
 * binds a body ({@link AdminRequestJson}). A body that breaks a rule is answered 400 with
 * the detail {@link AdminBodyErrors} gives, before anything is written.
 */
@Component
public final class AdminBodies {

	private final JsonMapper json;

	private final Validator validator;

	/**
	 * @param json the provider's mapper
	 * @param validator the Bean Validation validator
	 */
	public AdminBodies(JsonMapper json, Validator validator) {
		Assert.notNull(json, "json cannot be null");
		Assert.notNull(validator, "validator cannot be null");
		this.json = json;
		this.validator = validator;
	}

	/**
	 * A body that must be given, checked.
	 * @param <T> the request record
	 * @param body the bound body, or {@code null} when none (or JSON {@code null}) was
	 * given
	 * @param type the request record
	 * @param groups the validation groups beyond the default one
	 * @return the body
	 * @throws ResponseStatusException 400 when it is missing or breaks a rule
	 */
	public <T> T valid(T body, Class<T> type, Class<?>... groups) {
		if (body == null) {
			throw badRequest(AdminBodyErrors.missing(type));
		}
		Set<ConstraintViolation<T>> violations = this.validator.validate(body, withDefault(groups));
		if (!violations.isEmpty()) {
			throw badRequest(AdminBodyErrors.detail(violations));
		}
		return body;
	}

	/**
	 * A body that may be left out, checked when given.
	 * @param <T> the request record
	 * @param body the bound body, or {@code null}
	 * @param type the request record
	 * @return the body, or {@code null}
	 * @throws ResponseStatusException 400 when it breaks a rule
	 */
	public <T> T optional(T body, Class<T> type) {
		return (body != null) ? valid(body, type) : null;
	}

	/**
	 * Binds a JSON tree to a request record and checks it.
	 * @param <T> the request record
	 * @param tree the JSON
	 * @param type the request record
	 * @param groups the validation groups beyond the default one
	 * @return the body
	 * @throws ResponseStatusException 400 when it does not bind or breaks a rule
	 */
	public <T> T bind(JsonNode tree, Class<T> type, Class<?>... groups) {
		T body;
		try {
			body = this.json.treeToValue(tree, type);
		}
		catch (JacksonException ex) {
			String detail = AdminBodyErrors.detail(ex);
			if (detail == null) {
				throw ex;
			}
			throw badRequest(detail);
		}
		return valid(body, type, groups);
	}

	private static Class<?>[] withDefault(Class<?>[] groups) {
		Class<?>[] all = new Class<?>[groups.length + 1];
		all[0] = jakarta.validation.groups.Default.class;
		System.arraycopy(groups, 0, all, 1, groups.length);
		return all;
	}

	private static ResponseStatusException badRequest(String detail) {
		return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
	}

}
