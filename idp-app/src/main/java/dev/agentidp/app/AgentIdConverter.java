package dev.agentidp.app;

import dev.agentidp.registry.AgentId;

import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Binds an agent id in a path ({@code @PathVariable AgentId}, as in
 * {@code /admin/v1/agents/{id}}) as Spring's own {@code String}-to-{@code UUID}
 * conversion does, so that the admin API answers as it did with a UUID path variable: the
 * text is trimmed; blank is no value (400, "Required path variable 'id' is not
 * present."); text that is not a UUID is 400, "Failed to convert 'id' with value: '…'"
 * (the type mismatch {@link ApiExceptionHandler} answers); a UUID no agent has is the
 * registry's 404.
 */
@Component
final class AgentIdConverter implements Converter<String, AgentId> {

	@Override
	public AgentId convert(String source) {
		return StringUtils.hasText(source) ? AgentId.of(source.trim()) : null;
	}

}
