package dev.agentidp.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What survives a restart, and what a start refuses: the signing key is persisted in
 * PostgreSQL (same {@code kid} before and after, private part encrypted at rest), the
 * bootstrap secret is generated once into a 0600 file, and a start outside the dev
 * profile without a key-encryption key fails with a clear message.
 */
class ProviderRestartTests {

	@TempDir
	Path dataDir;

	@Test
	void signingKeySurvivesARestartAndIsEncryptedAtRest() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String kidBefore;
		String secretBefore;
		try (ConfigurableApplicationContext first = start(schema)) {
			kidBefore = kid(first);
			secretBefore = readSecret();
			JdbcClient jdbc = first.getBean(JdbcClient.class);
			byte[] stored = jdbc.sql("SELECT private_key_enc FROM signing_key WHERE kid = ?")
				.param(kidBefore)
				.query(byte[].class)
				.single();
			String storedText = new String(stored, StandardCharsets.ISO_8859_1);
			assertThat(storedText).doesNotContain("\"d\"").doesNotContain("OKP");
			String token = new TestHttp(port(first)).token("idp-admin", secretBefore, "idp:admin");
			assertThat(token).isNotBlank();
		}
		try (ConfigurableApplicationContext second = start(schema)) {
			assertThat(kid(second)).isEqualTo(kidBefore);
			assertThat(readSecret()).isEqualTo(secretBefore);
			// the secret generated on first start still works after the restart
			assertThat(new TestHttp(port(second)).token("idp-admin", secretBefore, "idp:admin")).isNotBlank();
		}
	}

	@Test
	void generatedBootstrapSecretIsWrittenOwnerOnly() throws Exception {
		try (ConfigurableApplicationContext context = start(TestDatabase.newSchema())) {
			Path file = this.dataDir.resolve(BootstrapAdminClient.SECRET_FILE);
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
			assertThat(readSecret()).hasSizeGreaterThanOrEqualTo(43);
			assertThat(PosixFilePermissions
				.toString(Files.getPosixFilePermissions(this.dataDir.resolve(KeyEncryptionConfiguration.DEV_KEY_FILE))))
				.isEqualTo("rw-------");
		}
	}

	@Test
	void configuredKeyEncryptionKeyIsUsedAndAWrongOneRefusesToStart() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		try (ConfigurableApplicationContext context = start(schema, "idp.tokens.key-encryption-key", key,
				"spring.profiles.active", "prod", "idp.issuer", "http://localhost")) {
			assertThat(kid(context)).isNotBlank();
		}
		byte[] other = new byte[32];
		other[0] = 1;
		assertThatThrownBy(
				() -> start(schema, "idp.tokens.key-encryption-key", Base64.getEncoder().encodeToString(other),
						"spring.profiles.active", "prod", "idp.issuer", "http://localhost"))
			.hasStackTraceContaining("key-encryption key");
	}

	@Test
	void nonDevProfileWithoutKeyEncryptionKeyRefusesToStart() {
		assertThatThrownBy(() -> start(TestDatabase.newSchema(), "spring.profiles.active", "prod", "idp.issuer",
				"http://localhost"))
			.hasRootCauseInstanceOf(MissingKeyEncryptionKeyException.class)
			.hasStackTraceContaining("do not include dev");
	}

	@Test
	void shortBootstrapSecretRefusesToStart() {
		assertThatThrownBy(() -> start(TestDatabase.newSchema(), "IDP_BOOTSTRAP_ADMIN_SECRET", "short"))
			.hasStackTraceContaining("at least 32 characters");
	}

	private ConfigurableApplicationContext start(TestDatabase.Schema schema, String... extra) {
		Map<String, Object> properties = new java.util.HashMap<>();
		properties.put("spring.datasource.url", schema.url());
		if (schema.username() != null) {
			properties.put("spring.datasource.username", schema.username());
		}
		if (schema.password() != null) {
			properties.put("spring.datasource.password", schema.password());
		}
		properties.put("idp.data-dir", this.dataDir.toString());
		properties.put("server.port", "0");
		for (int i = 0; i < extra.length; i += 2) {
			properties.put(extra[i], extra[i + 1]);
		}
		// command-line arguments: they take precedence over application.yml, as a
		// deployment's would
		return new SpringApplicationBuilder(IdentityProviderApplication.class).run(properties.entrySet()
			.stream()
			.map((e) -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new));
	}

	private String readSecret() {
		try {
			return Files.readString(this.dataDir.resolve(BootstrapAdminClient.SECRET_FILE)).trim();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	static String kid(ConfigurableApplicationContext context) {
		return TestHttp.json(new TestHttp(port(context)).get("/oauth2/jwks", null))
			.get("keys")
			.get(0)
			.get("kid")
			.asString();
	}

}
