package dev.agentidp.app;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no {@code spring.datasource.url}, the provider starts an embedded PostgreSQL with
 * its data under {@code idp.data-dir}, and a restart finds the same data again.
 */
class EmbeddedDatabaseDefaultTests {

	@TempDir
	Path dataDir;

	@Test
	void startsOnAnEmbeddedPostgresqlWhenNoUrlIsConfiguredAndKeepsItsData() {
		String kid;
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBean(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl())
				.startsWith("jdbc:postgresql://localhost:");
			assertThat(context.getBeansOfType(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class)).hasSize(1);
			assertThat(Files.exists(this.dataDir.resolve("postgres").resolve("PG_VERSION"))).isTrue();
			TestHttp http = new TestHttp(ProviderRestartTests.port(context));
			assertThat(http.get("/.well-known/oauth-authorization-server", null).statusCode()).isEqualTo(200);
			kid = ProviderRestartTests.kid(context);
		}
		try (ConfigurableApplicationContext again = start()) {
			assertThat(ProviderRestartTests.kid(again)).isEqualTo(kid);
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(IdentityProviderApplication.class).run("--idp.data-dir=" + this.dataDir,
				"--server.port=0");
	}

}
