package dev.agentidp.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
		try (TestProvider first = start(schema)) {
			kidBefore = kid(first);
			secretBefore = readSecret();
			JdbcClient jdbc = first.jdbc();
			byte[] stored = jdbc.sql("SELECT private_key_enc FROM signing_key WHERE kid = ?")
				.param(kidBefore)
				.query(byte[].class)
				.single();
			String storedText = new String(stored, StandardCharsets.ISO_8859_1);
			assertThat(storedText).doesNotContain("\"d\"").doesNotContain("OKP");
			String token = first.http().token("idp-admin", secretBefore, "idp:admin");
			assertThat(token).isNotBlank();
		}
		try (TestProvider second = start(schema)) {
			assertThat(kid(second)).isEqualTo(kidBefore);
			assertThat(readSecret()).isEqualTo(secretBefore);
			// the secret generated on first start still works after the restart
			assertThat(second.http().token("idp-admin", secretBefore, "idp:admin")).isNotBlank();
		}
	}

	@Test
	void generatedBootstrapSecretIsWrittenOwnerOnly() throws Exception {
		try (TestProvider context = start(TestDatabase.newSchema())) {
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
		try (TestProvider context = start(schema, "idp.tokens.key-encryption-key", key, "spring.profiles.active",
				"prod", "idp.issuer", "http://localhost")) {
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

	/**
	 * A provider on the schema and this test's data directory, with the bootstrap secret
	 * generated on first start unless {@code extra} sets one.
	 */
	private TestProvider start(TestDatabase.Schema schema, String... extra) {
		String[] properties = new String[extra.length + 2];
		properties[0] = "IDP_BOOTSTRAP_ADMIN_SECRET";
		properties[1] = "";
		System.arraycopy(extra, 0, properties, 2, extra.length);
		return TestProvider.start(schema, this.dataDir, properties);
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

	static String kid(TestProvider provider) {
		return kid(provider.context());
	}

	static String kid(ConfigurableApplicationContext context) {
		return TestHttp.json(new TestHttp(port(context)).get("/oauth2/jwks", null))
			.get("keys")
			.get(0)
			.get("kid")
			.asString();
	}

}
