package dev.agentidp.app;

import java.nio.file.Path;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.Range;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the application ({@code idp.*}), documented in the README's
 * configuration table ({@code ConfigurationTableTests} keeps the two in step).
 *
 * @param issuer the issuer ({@code iss}); when unset, the base URL of each request
 * @param dataDir where the embedded database, the generated bootstrap secret and, in the
 * {@code dev} profile, the generated key-encryption key are kept
 * @param embeddedDatabase the embedded PostgreSQL started when no
 * {@code spring.datasource.url} is set
 */
@ConfigurationProperties("idp")
@Validated
public record IdpProperties(String issuer, @DefaultValue("./data") @NotNull Path dataDir,
		@DefaultValue @Valid EmbeddedDatabase embeddedDatabase) {

	/**
	 * The embedded PostgreSQL ({@code idp.embedded-database.*}).
	 *
	 * @param port the port it listens on, on 127.0.0.1 only (default 0: a free port)
	 */
	public record EmbeddedDatabase(@DefaultValue("0") @Range(min = 0, max = 65535) int port) {
	}

}
