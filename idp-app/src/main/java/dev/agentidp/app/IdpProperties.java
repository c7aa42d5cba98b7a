package dev.agentidp.app;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the application ({@code idp.*}).
 *
 * @param issuer the issuer ({@code iss}); when unset, the base URL of each request
 * @param dataDir where the embedded database, the generated bootstrap secret and, in the
 * {@code dev} profile, the generated key-encryption key are kept
 */
@ConfigurationProperties("idp")
public record IdpProperties(String issuer, @DefaultValue("./data") Path dataDir) {
}
