package dev.agentidp.app;

import java.lang.reflect.Field;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import javax.sql.DataSource;

import dev.agentidp.app.fixtures.TestHttp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * With no {@code spring.datasource.url}, the provider starts an embedded PostgreSQL with
 * its data under {@code idp.data-dir}, durable (fsync, synchronous commit and full-page
 * writes on, as {@code pg_settings} reports them), and a restart finds the same data
 * again.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseDefaultTests {

	@TempDir
	Path dataDir;

	@Test
	void startsOnAnEmbeddedPostgresqlWhenNoUrlIsConfiguredAndKeepsItsData(CapturedOutput output) {
		String kid;
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBean(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl())
				.startsWith("jdbc:postgresql://localhost:");
			assertThat(context.getBeansOfType(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class)).hasSize(1);
			assertThat(Files.exists(this.dataDir.resolve("postgres").resolve("PG_VERSION"))).isTrue();
			TestHttp http = new TestHttp(ProviderRestartTests.port(context));
			assertThat(http.get("/.well-known/oauth-authorization-server", null).statusCode()).isEqualTo(200);
			kid = ProviderRestartTests.kid(context);
			assertThat(settings(context, "fsync", "synchronous_commit", "full_page_writes"))
				.as("the default database keeps what it acknowledged (docs/operations.md)")
				.containsOnly(entry("fsync", "on"), entry("synchronous_commit", "on"), entry("full_page_writes", "on"));
		}
		try (ConfigurableApplicationContext again = start()) {
			assertThat(ProviderRestartTests.kid(again)).isEqualTo(kid);
		}
		// initdb's output is at DEBUG: its advice to start the server with pg_ctl
		// misleads
		assertThat(output.getAll()).contains("started an embedded PostgreSQL")
			.doesNotContain("You can now start the database server");
	}

	/**
	 * A provider killed with SIGKILL leaves its PostgreSQL running and
	 * {@code postmaster.pid} in place; PostgreSQL then refuses to start on the directory
	 * and the provider would never come back. Simulated here by letting go of zonky's
	 * directory lock while its server runs, which is what the death of its JVM does.
	 */
	@Test
	void startsAgainOnTheDataOfAProviderThatDiedWithoutStoppingItsDatabase() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			new TestHttp(ProviderRestartTests.port(context)).get("/.well-known/oauth-authorization-server", null);
		}
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDir.resolve("postgres"))
			.setCleanDataDirectory(false)
			.setConnectConfig("password", Files.readString(this.dataDir.resolve("postgres-password")).trim());
		EmbeddedPostgres orphan = builder.start();
		Field lock = EmbeddedPostgres.class.getDeclaredField("lock");
		lock.setAccessible(true);
		((FileLock) lock.get(orphan)).release();
		long orphanPid = Long
			.parseLong(Files.readAllLines(this.dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
		assertThat(ProcessHandle.of(orphanPid)).get().matches(ProcessHandle::isAlive);
		try (ConfigurableApplicationContext again = start()) {
			assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
			assertThat(
					new TestHttp(ProviderRestartTests.port(again)).get("/.well-known/oauth-authorization-server", null)
						.statusCode())
				.isEqualTo(200);
		}
	}

	@Test
	void refusesInASentenceADataDirectoryThatAnotherProviderUses() {
		try (ConfigurableApplicationContext context = start()) {
			assertThatExceptionOfType(Exception.class).isThrownBy(this::start)
				.havingRootCause()
				.isInstanceOf(StartupFailureException.class)
				.withMessageContaining("is in use by another running provider");
		}
	}

	/**
	 * Issue 14, item 16: any local user could connect to the embedded PostgreSQL without
	 * a password. Now it takes only the generated password, which only the owner can
	 * read.
	 */
	@Test
	void theEmbeddedDatabaseTakesOnlyAPasswordThatOnlyItsOwnerCanRead() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			Path file = this.dataDir.resolve("postgres-password");
			assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
					PosixFilePermission.OWNER_WRITE);
			String password = Files.readString(file).trim();
			assertThat(password).hasSizeGreaterThanOrEqualTo(43);
			int port = context.getBean(EmbeddedPostgres.class).getPort();
			assertRefused(port, null);
			assertRefused(port, "postgres");
			try (Connection connection = connect(port, password)) {
				assertThat(connection.isValid(5)).isTrue();
			}
			assertThat(new TestHttp(ProviderRestartTests.port(context))
				.get("/.well-known/oauth-authorization-server", null)
				.statusCode()).isEqualTo(200);
		}
		try (ConfigurableApplicationContext again = start()) {
			assertRefused(again.getBean(EmbeddedPostgres.class).getPort(), null);
		}
	}

	/**
	 * A data directory an older version created (trust for every local connection) keeps
	 * its data and gets a password on its next start.
	 */
	@Test
	void aDataDirectoryCreatedWithoutAPasswordKeepsItsDataAndGetsOne() throws Exception {
		try (EmbeddedPostgres old = EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDir.resolve("postgres"))
			.setCleanDataDirectory(false)
			.start()) {
			// in a schema of its own: Flyway migrates public, which must be empty
			JdbcClient.create(old.getPostgresDatabase())
				.sql("CREATE SCHEMA before; CREATE TABLE before.kept (value text)")
				.update();
			JdbcClient.create(old.getPostgresDatabase()).sql("INSERT INTO before.kept VALUES ('from before')").update();
		}
		assertThat(this.dataDir.resolve("postgres-password")).doesNotExist();
		try (ConfigurableApplicationContext context = start()) {
			int port = context.getBean(EmbeddedPostgres.class).getPort();
			assertRefused(port, null);
			String password = Files.readString(this.dataDir.resolve("postgres-password")).trim();
			assertThat(JdbcClient.create(context.getBean(DataSource.class))
				.sql("SELECT value FROM before.kept")
				.query(String.class)
				.single()).isEqualTo("from before");
			try (Connection connection = connect(port, password)) {
				assertThat(connection.isValid(5)).isTrue();
			}
		}
		try (ConfigurableApplicationContext again = start()) {
			assertRefused(again.getBean(EmbeddedPostgres.class).getPort(), null);
		}
	}

	private static void assertRefused(int port, String password) {
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(port, password).close());
	}

	private static Connection connect(int port, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		if (password != null) {
			properties.setProperty("password", password);
		}
		return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
	}

	private static Map<String, String> settings(ConfigurableApplicationContext context, String... names) {
		Map<String, String> settings = new TreeMap<>();
		JdbcClient.create(context.getBean(DataSource.class))
			.sql("SELECT name, setting FROM pg_settings WHERE name IN (:names)")
			.param("names", List.of(names))
			.query((rs, row) -> settings.put(rs.getString("name"), rs.getString("setting")))
			.list();
		return settings;
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(IdentityProviderApplication.class).run("--idp.data-dir=" + this.dataDir,
				"--server.port=0");
	}

}
