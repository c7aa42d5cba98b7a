package dev.agentidp.audit;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The audit module on its own, over a real PostgreSQL (the db module's migrations), with
 * a test checkpoint signer standing in for the provider's key.
 */
@SpringBootApplication
class AuditTestApplication {

	@Bean
	TestCheckpointSigner testCheckpointSigner() {
		return new TestCheckpointSigner();
	}

}
