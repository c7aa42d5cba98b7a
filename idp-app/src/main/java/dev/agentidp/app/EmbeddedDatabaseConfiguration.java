package dev.agentidp.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentidp.db.DurableSettings;
import dev.agentidp.tokens.SigningKeyCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The default database: when no {@code spring.datasource.url} is configured, an embedded
 * PostgreSQL (zonky, real binaries) whose data directory is
 * {@code ${idp.data-dir}/postgres}, kept across restarts, behind the usual Hikari pool
 * ({@code spring.datasource.hikari.*} applies). With a URL configured, nothing here
 * exists and Boot's own datasource is used.
 * <p>
 * As root (uid 0), PostgreSQL refuses to run; zonky detects this and starts it inside a
 * user namespace ({@code unshare -U}), which works on these machines. The embedded server
 * listens on 127.0.0.1 only, on {@code idp.embedded-database.port} (a free port when 0,
 * the default), and stops with the application. It runs with the durable settings of
 * {@link DurableSettings} (zonky's own defaults turn fsync and synchronous commit off).
 * <p>
 * It needs a password (issue 14, item 16; {@link EmbeddedDatabasePassword}): generated on
 * first start into {@code ${idp.data-dir}/postgres-password} (mode 0600), set by
 * {@code initdb}, and required by the {@code pg_hba.conf} written at every start
 * (SCRAM-SHA-256, 127.0.0.1 only). A data directory an older version created without a
 * password is migrated on its next start: started once with trust for {@code postgres}
 * over 127.0.0.1, given a password, then switched to SCRAM before the provider uses it.
 * Under the {@code prod} profile the embedded database is refused: production names its
 * PostgreSQL with {@code spring.datasource.url}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatasourceUrl.class)
class EmbeddedDatabaseConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(IdpProperties properties, Environment environment, SigningKeyCipher cipher) {
		// configuration is checked before the database is initialised and migrated: the
		// key-encryption key (the cipher bean refuses a missing or malformed one) and the
		// bootstrap secret
		if (environment.acceptsProfiles(Profiles.of("prod"))) {
			throw new StartupFailureException(
					"No spring.datasource.url is configured, and the prod profile is active: the embedded PostgreSQL"
							+ " (one node, its data under idp.data-dir) is for development and trials, not production.",
					"Set spring.datasource.url (with spring.datasource.username and spring.datasource.password) to"
							+ " the PostgreSQL the provider should use, or start without the prod profile.");
		}
		BootstrapAdminClient.requireUsableSecret(environment.getProperty("IDP_BOOTSTRAP_ADMIN_SECRET", ""));
		Path pgData = properties.dataDir().resolve("postgres").toAbsolutePath().normalize();
		Path passwordFile = EmbeddedDatabasePassword.file(properties.dataDir());
		int port = properties.embeddedDatabase().port();
		EmbeddedDataDirectory.prepare(pgData);
		InitdbOutputFilter.install();
		boolean initialised = Files.exists(pgData.resolve("postgresql.conf"));
		// a directory without the password file: created by an older version (trust), or
		// its file was deleted; either way it gets a new password on this start
		boolean migrating = initialised && !Files.exists(passwordFile);
		String password = migrating ? EmbeddedDatabasePassword.generate()
				: EmbeddedDatabasePassword.readOrCreate(passwordFile);
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(pgData)
				.setCleanDataDirectory(false)
				.setRegisterShutdownHook(true)
				.setServerConfig("listen_addresses", "127.0.0.1")
				// initdb (first start only): the superuser gets the password at once
				.setLocaleConfig("auth", "scram-sha-256")
				.setLocaleConfig("pwfile", passwordFile.toString())
				.setConnectConfig("password", password)
				.setDataDirectoryCustomizer((directory) -> EmbeddedDatabasePassword.writeHba(directory.toPath(),
						migrating ? EmbeddedDatabasePassword.MIGRATION_HBA : EmbeddedDatabasePassword.PASSWORD_HBA));
			DurableSettings.SERVER_SETTINGS.forEach(builder::setServerConfig);
			if (port > 0) {
				builder.setPort(port);
			}
			EmbeddedPostgres postgres = builder.start();
			if (migrating) {
				setPassword(postgres, pgData, password, passwordFile);
			}
			logger.info("No spring.datasource.url configured: started an embedded PostgreSQL on 127.0.0.1:{} with its"
					+ " data in {}; it takes the password in {}", postgres.getPort(), pgData, passwordFile);
			return postgres;
		}
		catch (IOException ex) {
			throw new StartupFailureException(
					"The embedded PostgreSQL could not start in " + pgData + ": " + ex.getMessage() + ".",
					"Read the PostgreSQL lines above for the cause (a full disk, a data directory of another"
							+ " PostgreSQL version, a port in use), or set spring.datasource.url to use an external"
							+ " PostgreSQL.",
					ex);
		}
		catch (IllegalStateException ex) {
			if (ex.getMessage() != null && ex.getMessage().startsWith("could not lock")) {
				// another provider took the directory since prepare() looked
				throw EmbeddedDataDirectory.inUse(pgData);
			}
			throw ex;
		}
	}

	/**
	 * Gives the superuser of a data directory without a password one, then allows only
	 * password connections: the password file is written only once the password is set,
	 * so a start that fails half-way is simply migrated again.
	 */
	private static void setPassword(EmbeddedPostgres postgres, Path pgData, String password, Path passwordFile) {
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			// the generated password is base64url: nothing to escape
			statement.execute("SET password_encryption = 'scram-sha-256'");
			statement.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
			SecretFiles.writeOwnerOnly(passwordFile, password);
			EmbeddedDatabasePassword.writeHba(pgData, EmbeddedDatabasePassword.PASSWORD_HBA);
			statement.execute("SELECT pg_reload_conf()");
		}
		catch (SQLException | IOException ex) {
			throw new StartupFailureException(
					"The embedded PostgreSQL in " + pgData + " has no password yet (created by an older version),"
							+ " and setting one failed: " + ex.getMessage() + ".",
					"Start again: the provider retries as long as " + passwordFile + " does not exist.", ex);
		}
		logger.warn("The embedded PostgreSQL in {} accepted local connections without a password (created by an"
				+ " older version): it now requires the password in {} (mode 0600)", pgData, passwordFile);
	}

	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(EmbeddedPostgres postgres, IdpProperties properties) {
		return DataSourceBuilder.create()
			.type(HikariDataSource.class)
			.url(postgres.getJdbcUrl("postgres", "postgres"))
			.username("postgres")
			.password(EmbeddedDatabasePassword.read(EmbeddedDatabasePassword.file(properties.dataDir())))
			.build();
	}

	/** Matches when no {@code spring.datasource.url} is configured. */
	static final class NoDatasourceUrl implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
		}

	}

}
