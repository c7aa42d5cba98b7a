package dev.agentidp.db.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import dev.agentidp.db.DurableSettings;
import org.flywaydb.core.Flyway;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The one place tests get a real PostgreSQL from, shared by every module.
 * <p>
 * In order of preference: the JDBC URL in {@code IDP_TEST_DATABASE_URL} (set by
 * {@code .ci/run} when a PostgreSQL answers on 127.0.0.1:5432); else a Testcontainers
 * {@code postgres} container when a Docker engine answers; else an embedded PostgreSQL
 * (zonky, real binaries). The server is started once per JVM; each caller of
 * {@link #newSchema()} gets a fresh, empty schema of its own, so every test class starts
 * clean. There is no H2 here, on purpose.
 */
public final class TestDatabase {

	/** Environment variable naming the JDBC URL of an existing PostgreSQL for tests. */
	public static final String URL_VARIABLE = "IDP_TEST_DATABASE_URL";

	private static Server server;

	private TestDatabase() {
	}

	/**
	 * A fresh schema on the shared test server.
	 * @return how to connect to it (the JDBC URL selects the schema)
	 */
	public static synchronized Schema newSchema() {
		Server s = server();
		String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
		try (Connection c = DriverManager.getConnection(s.url(), s.username(), s.password());
				Statement st = c.createStatement()) {
			st.execute("CREATE SCHEMA " + schema);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create test schema on " + s.url(), ex);
		}
		String separator = s.url().contains("?") ? "&" : "?";
		return new Schema(s.url() + separator + "currentSchema=" + schema, s.username(), s.password(), schema);
	}

	/**
	 * A fresh schema on the shared test server with every migration applied.
	 * @return how to connect to it (the JDBC URL selects the schema)
	 */
	public static Schema newMigratedSchema() {
		Schema schema = newSchema();
		Flyway.configure()
			.dataSource(schema.url(), schema.username(), schema.password())
			.locations("classpath:db/migration")
			.load()
			.migrate();
		return schema;
	}

	/**
	 * Registers a fresh schema as the Spring datasource (for
	 * {@code @DynamicPropertySource}).
	 * @param registry the registry of the test context
	 * @return the schema registered
	 */
	public static Schema register(DynamicPropertyRegistry registry) {
		Schema schema = newSchema();
		registry.add("spring.datasource.url", schema::url);
		if (schema.username() != null) {
			registry.add("spring.datasource.username", schema::username);
		}
		if (schema.password() != null) {
			registry.add("spring.datasource.password", schema::password);
		}
		return schema;
	}

	private static Server server() {
		if (server == null) {
			server = start();
		}
		return server;
	}

	private static Server start() {
		String url = System.getenv(URL_VARIABLE);
		if (url != null && !url.isBlank()) {
			return new Server(url, System.getenv("IDP_TEST_DATABASE_USER"), System.getenv("IDP_TEST_DATABASE_PASSWORD"),
					"environment");
		}
		if (dockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
			container.start();
			return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
					"testcontainers");
		}
		try {
			// the provider's own settings (fsync and synchronous commit on), so that
			// tests
			// of durability hold on this fallback too
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
			DurableSettings.SERVER_SETTINGS.forEach(builder::setServerConfig);
			EmbeddedPostgres embedded = builder.start();
			return new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null, "embedded");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start an embedded PostgreSQL for tests", ex);
		}
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Where the shared test server came from, for tests that care.
	 * @return {@code environment}, {@code testcontainers} or {@code embedded}
	 */
	public static synchronized String source() {
		return server().source();
	}

	/**
	 * A test schema.
	 *
	 * @param url JDBC URL selecting the schema ({@code currentSchema})
	 * @param username user name or {@code null} when the URL carries it
	 * @param password password or {@code null}
	 * @param schema the schema's name
	 */
	public record Schema(String url, String username, String password, String schema) {

		/**
		 * Opens a plain JDBC connection to the schema.
		 * @return a new connection
		 * @throws SQLException when the server refuses
		 */
		public Connection connect() throws SQLException {
			return DriverManager.getConnection(this.url, this.username, this.password);
		}

	}

	private record Server(String url, String username, String password, String source) {
	}

}
