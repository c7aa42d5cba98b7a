package dev.agentidp.app.tokens;

import dev.agentidp.tokens.SigningKeys;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * {@code idp.signing_keys.unauthenticated}: how many {@code signing_key} rows this node
 * refused because the key-encryption key does not authenticate them (issue 14, item 1).
 * Anything above zero means someone wrote the table without the key-encryption key: alert
 * on it.
 */
@Component
class SigningKeyMetrics implements MeterBinder {

	private final SigningKeys keys;

	SigningKeyMetrics(SigningKeys keys) {
		this.keys = keys;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("idp.signing_keys.unauthenticated", this.keys, SigningKeys::unauthenticatedRows)
			.description("signing_key rows refused because the key-encryption key does not authenticate them")
			.register(registry);
	}

}
