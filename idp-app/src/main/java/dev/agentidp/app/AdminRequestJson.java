package dev.agentidp.app;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the admin API's request bodies bind to their records (issue 15, item 1): every
 * member must be one the record declares, and no JSON type stands in for another (a
 * number is no string, {@code "900"} and {@code 1.5} are no integers, {@code 1} is no
 * boolean, {@code ""} is no object). Applied to the provider's {@link JsonMapper}, whose
 * only input is those bodies: the OAuth endpoints read forms, and Spring Authorization
 * Server writes its JSON with its own mapper. A body that does not bind is answered by
 * {@link AdminBodyErrors}.
 */
@Configuration(proxyBeanMethods = false)
public final class AdminRequestJson {

	@Bean
	JsonMapperBuilderCustomizer adminRequestBinding() {
		return AdminRequestJson::strict;
	}

	/**
	 * Makes a mapper bind strictly.
	 * @param builder the mapper's builder
	 * @return the builder
	 */
	public static JsonMapper.Builder strict(JsonMapper.Builder builder) {
		return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.withCoercionConfigDefaults((config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
			// a string is a string, the empty one too ("must not be blank" is a rule)
			.withCoercionConfig(LogicalType.Textual,
					(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert))
			// a decimal amount may be written as an integer: 50 is 50.0 (RFC 8259 §6 has
			// one number type)
			.withCoercionConfig(LogicalType.Float,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert));
	}

}
