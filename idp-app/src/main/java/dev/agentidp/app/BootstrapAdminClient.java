package dev.agentidp.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.ClientRegistry;
import dev.agentidp.registry.ClientSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Creates the first admin client on first start (docs/operations.md "Contract"): client
 * {@code idp-admin}, {@code client_secret_basic}, scopes {@code idp:admin} and
 * {@code idp:audit:read}. Its secret is {@code IDP_BOOTSTRAP_ADMIN_SECRET} when set (at
 * least 32 characters), else generated (256 random bits) and written once to
 * {@code ${idp.data-dir}/bootstrap-admin-secret} with mode 0600. The log says where the
 * secret is, never what it is.
 * <p>
 * When {@code IDP_BOOTSTRAP_ADMIN_SECRET} is set and differs from the stored secret
 * (issue 14, item 9), the stored hash is replaced at start, audited as
 * {@code client.secret_replaced}, and the client's live tokens are revoked: the old
 * secret stops working. Unset, the stored secret is kept (docs/operations.md).
 */
@Component
class BootstrapAdminClient implements SmartInitializingSingleton {

	static final String CLIENT_ID = "idp-admin";

	static final String SECRET_FILE = "bootstrap-admin-secret";

	private static final int MIN_SECRET_LENGTH = 32;

	private static final Logger logger = LoggerFactory.getLogger(BootstrapAdminClient.class);

	private final ClientRegistry registry;

	private final IdpProperties properties;

	private final String configuredSecret;

	BootstrapAdminClient(ClientRegistry registry, IdpProperties properties,
			@Value("${IDP_BOOTSTRAP_ADMIN_SECRET:}") String configuredSecret) {
		this.registry = registry;
		this.properties = properties;
		this.configuredSecret = configuredSecret;
	}

	/**
	 * Refuses a configured bootstrap secret that is too short, before anything is started
	 * or stored (the embedded database calls this before it initialises).
	 * @param configuredSecret {@code IDP_BOOTSTRAP_ADMIN_SECRET}, empty when unset
	 * @throws StartupFailureException when it is set and shorter than 32 characters
	 */
	static void requireUsableSecret(String configuredSecret) {
		if (!configuredSecret.isBlank() && configuredSecret.length() < MIN_SECRET_LENGTH) {
			throw new StartupFailureException(
					"IDP_BOOTSTRAP_ADMIN_SECRET has " + configuredSecret.length() + " characters; the bootstrap admin"
							+ " client's secret needs at least " + MIN_SECRET_LENGTH + " characters.",
					"Set IDP_BOOTSTRAP_ADMIN_SECRET to at least " + MIN_SECRET_LENGTH + " random characters (for"
							+ " example 'openssl rand -base64 32'), or leave it unset to have one generated into the"
							+ " data directory.");
		}
	}

	/**
	 * Runs once every singleton exists, so that the event listeners are registered: the
	 * audit trail records what happens here, and the tokens module revokes the tokens of
	 * a replaced secret. Still before the web server starts.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Optional<Client> existing = this.registry.findClient(CLIENT_ID);
		if (existing.isPresent()) {
			rotateWhenChanged(existing.get());
			return;
		}
		requireUsableSecret(this.configuredSecret);
		boolean configured = !this.configuredSecret.isBlank();
		String secret = configured ? this.configuredSecret : ClientSecrets.generate();
		try {
			this.registry.registerWithSecret(CLIENT_ID, "Bootstrap admin client", ClientKind.ADMIN, secret,
					Set.of("idp:admin", "idp:audit:read"));
		}
		catch (DuplicateKeyException ex) {
			logger.info("Admin client {} was created by another node", CLIENT_ID);
			return;
		}
		if (configured) {
			logger.info("Created admin client {} with the secret from IDP_BOOTSTRAP_ADMIN_SECRET", CLIENT_ID);
			return;
		}
		Path file = this.properties.dataDir().resolve(SECRET_FILE).toAbsolutePath().normalize();
		try {
			Files.deleteIfExists(file);
			SecretFiles.writeOwnerOnly(file, secret);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the bootstrap admin secret to " + file, ex);
		}
		logger.info("Created admin client {}; its secret is in {} (mode 0600)", CLIENT_ID, file);
	}

	private void rotateWhenChanged(Client client) {
		if (this.configuredSecret.isBlank() || client.secretHash() == null
				|| ClientSecrets.matches(this.configuredSecret, client.secretHash())) {
			return;
		}
		requireUsableSecret(this.configuredSecret);
		if (!this.registry.replaceSecret(CLIENT_ID, this.configuredSecret)) {
			return;
		}
		logger.warn(
				"IDP_BOOTSTRAP_ADMIN_SECRET changed: replaced the secret of admin client {} and revoked its"
						+ " tokens; the old secret no longer works{}",
				CLIENT_ID, client.disabled() ? " (the client stays disabled)" : "");
		Path file = this.properties.dataDir().resolve(SECRET_FILE).toAbsolutePath().normalize();
		try {
			// a secret generated at first start no longer works: do not leave it lying
			// about
			if (Files.deleteIfExists(file)) {
				logger.info("Deleted {}, which held the replaced secret", file);
			}
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}, which holds the replaced secret: {}", file, ex.getMessage());
		}
	}

}
