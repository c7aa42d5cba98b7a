package dev.agentidp.app;

import java.io.IOException;
import java.nio.file.Path;

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
		BootstrapAdminClient.requireUsableSecret(environment.getProperty("IDP_BOOTSTRAP_ADMIN_SECRET", ""));
		Path pgData = properties.dataDir().resolve("postgres").toAbsolutePath().normalize();
		int port = environment.getProperty("idp.embedded-database.port", Integer.class, 0);
		EmbeddedDataDirectory.prepare(pgData);
		InitdbOutputFilter.install();
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(pgData)
				.setCleanDataDirectory(false)
				.setRegisterShutdownHook(true)
				.setServerConfig("listen_addresses", "127.0.0.1");
			DurableSettings.SERVER_SETTINGS.forEach(builder::setServerConfig);
			if (port > 0) {
				builder.setPort(port);
			}
			EmbeddedPostgres postgres = builder.start();
			logger.info("No spring.datasource.url configured: started an embedded PostgreSQL on 127.0.0.1:{} with its"
					+ " data in {}", postgres.getPort(), pgData);
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

	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(EmbeddedPostgres postgres) {
		return DataSourceBuilder.create()
			.type(HikariDataSource.class)
			.url(postgres.getJdbcUrl("postgres", "postgres"))
			.username("postgres")
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
