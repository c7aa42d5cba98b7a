package dev.agentidp.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The agent identity provider. It scans its own modules by name, not all of
 * {@code dev.agentidp}: {@code dev.agentidp.resourceserver} is the kit for tool servers
 * (auto-configured there), which a class path may hold beside the provider (idp-app's
 * tests do).
 */
@SpringBootApplication(scanBasePackages = { "dev.agentidp.anomalies", "dev.agentidp.app", "dev.agentidp.approvals",
		"dev.agentidp.audit", "dev.agentidp.console", "dev.agentidp.db", "dev.agentidp.delegation", "dev.agentidp.dpop",
		"dev.agentidp.policy", "dev.agentidp.registry", "dev.agentidp.signals", "dev.agentidp.tokens" })
@ConfigurationPropertiesScan({ "dev.agentidp.anomalies", "dev.agentidp.app", "dev.agentidp.approvals",
		"dev.agentidp.audit", "dev.agentidp.console", "dev.agentidp.delegation", "dev.agentidp.policy",
		"dev.agentidp.registry", "dev.agentidp.signals", "dev.agentidp.tokens" })
@EnableScheduling
public class IdentityProviderApplication {

	/**
	 * Starts the provider.
	 * @param args command-line arguments (Spring Boot properties such as
	 * {@code --server.port=9090})
	 */
	public static void main(String[] args) {
		SpringApplication.run(IdentityProviderApplication.class, args);
	}

}
