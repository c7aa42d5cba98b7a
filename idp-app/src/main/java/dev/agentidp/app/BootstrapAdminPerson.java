package dev.agentidp.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import dev.agentidp.registry.ClientSecrets;
import dev.agentidp.registry.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Creates the console's first person on first start (docs/console.md), as
 * {@link BootstrapAdminClient} creates the first admin client: username {@code admin},
 * role {@code admin}, no email address (it acts as {@code user:admin}). Its password is
 * {@code IDP_BOOTSTRAP_ADMIN_PASSWORD} when set (12 to 128 characters), else generated
 * (256 random bits) and written once to {@code ${idp.data-dir}/bootstrap-admin-password}
 * with mode 0600. The log says where the password is, never what it is. Once the person
 * exists nothing here changes it.
 */
@Component
class BootstrapAdminPerson implements SmartInitializingSingleton {

	static final String USERNAME = "admin";

	static final String PASSWORD_FILE = "bootstrap-admin-password";

	private static final Logger logger = LoggerFactory.getLogger(BootstrapAdminPerson.class);

	private final People people;

	private final IdpProperties properties;

	private final String configuredPassword;

	BootstrapAdminPerson(People people, IdpProperties properties,
			@Value("${IDP_BOOTSTRAP_ADMIN_PASSWORD:}") String configuredPassword) {
		this.people = people;
		this.properties = properties;
		this.configuredPassword = configuredPassword;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.people.find(USERNAME).isPresent()) {
			return;
		}
		boolean configured = !this.configuredPassword.isBlank();
		String password = configured ? this.configuredPassword : ClientSecrets.generate();
		try {
			this.people.create(USERNAME, null, password, Set.of(Person.ADMIN), "_bootstrap");
		}
		catch (InvalidInputException ex) {
			if (ex.getMessage().startsWith("password")) {
				throw new StartupFailureException(
						"IDP_BOOTSTRAP_ADMIN_PASSWORD has " + this.configuredPassword.length()
								+ " characters; the console's bootstrap admin needs " + People.MIN_PASSWORD_LENGTH
								+ " to " + People.MAX_PASSWORD_LENGTH + ".",
						"Set IDP_BOOTSTRAP_ADMIN_PASSWORD to " + People.MIN_PASSWORD_LENGTH + " to "
								+ People.MAX_PASSWORD_LENGTH
								+ " characters, or leave it unset to have one generated into the data directory.");
			}
			logger.info("Console user {} was created by another node", USERNAME);
			return;
		}
		if (configured) {
			logger.info("Created console user {} with the password from IDP_BOOTSTRAP_ADMIN_PASSWORD", USERNAME);
			return;
		}
		Path file = this.properties.dataDir().resolve(PASSWORD_FILE).toAbsolutePath().normalize();
		try {
			Files.deleteIfExists(file);
			SecretFiles.writeOwnerOnly(file, password);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the bootstrap admin password to " + file, ex);
		}
		logger.info("Created console user {}; its password is in {} (mode 0600)", USERNAME, file);
	}

}
