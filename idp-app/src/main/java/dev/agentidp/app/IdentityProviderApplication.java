package dev.agentidp.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The agent identity provider.
 */
@SpringBootApplication(scanBasePackages = "dev.agentidp")
@ConfigurationPropertiesScan("dev.agentidp")
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
