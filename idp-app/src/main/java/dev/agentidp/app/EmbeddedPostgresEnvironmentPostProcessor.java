package dev.agentidp.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The default database: when no {@code spring.datasource.url} is configured, starts an
 * embedded PostgreSQL (zonky, real binaries) whose data directory is
 * {@code ${idp.data-dir}/postgres}, kept across restarts, and points the datasource at
 * it. With a URL configured, nothing is started.
 * <p>
 * As root (uid 0), PostgreSQL refuses to run; zonky detects this and starts it inside a
 * user namespace ({@code unshare -U}), which works on these machines. The embedded server
 * listens on 127.0.0.1 only, on {@code idp.embedded-database.port} (a free port when 0,
 * the default), and stops when the application context closes.
 */
public class EmbeddedPostgresEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String SOURCE_NAME = "idpEmbeddedPostgres";

	private final Log logger;

	/**
	 * @param logs Boot's deferred log factory
	 */
	public EmbeddedPostgresEnvironmentPostProcessor(DeferredLogFactory logs) {
		this.logger = logs.getLog(EmbeddedPostgresEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))
				|| environment.getPropertySources().contains(SOURCE_NAME)) {
			return;
		}
		Path dataDir = Path.of(environment.getProperty("idp.data-dir", "./data")).toAbsolutePath().normalize();
		Path pgData = dataDir.resolve("postgres");
		int port = environment.getProperty("idp.embedded-database.port", Integer.class, 0);
		EmbeddedPostgres postgres;
		try {
			Files.createDirectories(pgData);
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(pgData)
				.setCleanDataDirectory(false)
				.setServerConfig("listen_addresses", "127.0.0.1");
			if (port > 0) {
				builder.setPort(port);
			}
			postgres = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + pgData
					+ " (set spring.datasource.url to use an external PostgreSQL)", ex);
		}
		this.logger.info("No spring.datasource.url configured: started an embedded PostgreSQL on port "
				+ postgres.getPort() + " with its data in " + pgData);
		environment.getPropertySources()
			.addLast(new MapPropertySource(SOURCE_NAME,
					Map.of("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
							"spring.datasource.username", "postgres", "spring.datasource.password", "")));
		application.addListeners(new Stopper(postgres));
	}

	private record Stopper(EmbeddedPostgres postgres) implements ApplicationListener<ContextClosedEvent> {

		@Override
		public void onApplicationEvent(ContextClosedEvent event) {
			try {
				this.postgres.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
