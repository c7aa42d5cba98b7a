package dev.agentidp.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The audit module on its own, over a real PostgreSQL (the db module's migrations), with
 * a test checkpoint signer standing in for the provider's key and a meter registry for
 * the module's counters.
 */
@SpringBootApplication
class AuditTestApplication {

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	TestCheckpointSigner testCheckpointSigner() {
		return new TestCheckpointSigner();
	}

}
