package dev.agentidp.app;

import java.nio.file.Path;
import java.util.Base64;

import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A misconfigured provider stops with Spring Boot's failure-analysis paragraph (what is
 * wrong, what to do), and configuration is checked before the embedded database is
 * initialised.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

	@TempDir
	Path dataDir;

	@Test
	void aTooShortBootstrapSecretIsExplainedBeforeTheEmbeddedDatabaseIsInitialised(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("--IDP_BOOTSTRAP_ADMIN_SECRET=short"));
		assertAnalysis(output, "IDP_BOOTSTRAP_ADMIN_SECRET has 5 characters",
				"Set IDP_BOOTSTRAP_ADMIN_SECRET to at least 32");
		assertThat(this.dataDir.resolve("postgres").resolve("PG_VERSION")).doesNotExist();
	}

	@Test
	void aMalformedKeyEncryptionKeyIsExplainedBeforeTheEmbeddedDatabaseIsInitialised(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("--idp.tokens.key-encryption-key=bm90LTMyLWJ5dGVz"));
		assertAnalysis(output, "AES-256 needs exactly 32", "idp.tokens.key-encryption-key");
		assertThat(this.dataDir.resolve("postgres").resolve("PG_VERSION")).doesNotExist();
	}

	@Test
	void aDatabaseThatCannotBeReachedIsExplained(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/idp?password=not-shown"));
		assertAnalysis(output, "cannot connect to the database at spring.datasource.url=jdbc:postgresql://127.0.0.1:1",
				"Check spring.datasource.url");
		assertThat(output.getAll()).doesNotContain("not-shown");
	}

	@Test
	void aDataDirectoryInUseByAnotherProviderIsExplained(CapturedOutput output) {
		try (ConfigurableApplicationContext running = start()) {
			assertThatException().isThrownBy(this::start);
			assertAnalysis(output, "is in use by another running provider", "Stop the other provider first");
		}
	}

	@Test
	void anotherKeyEncryptionKeyThanTheOneTheKeysWereStoredWithIsExplained(CapturedOutput output) {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String url = "--spring.datasource.url=" + schema.url();
		try (ConfigurableApplicationContext first = start(url, "--idp.tokens.key-encryption-key=" + key(1))) {
			assertThat(first.isRunning()).isTrue();
		}
		assertThatException().isThrownBy(() -> start(url, "--idp.tokens.key-encryption-key=" + key(2)));
		assertAnalysis(output, "cannot be decrypted with the configured key-encryption key",
				"Start with the idp.tokens.key-encryption-key");
	}

	@Test
	void outsideTheDevProfileAMissingIssuerIsExplained(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("--spring.datasource.url=" + TestDatabase.newSchema().url(),
				"--spring.profiles.active=prod", "--idp.tokens.key-encryption-key=" + key(3)));
		assertAnalysis(output, "idp.issuer is not set", "Set idp.issuer");
	}

	/** Issue 14, item 16. */
	@Test
	void theEmbeddedDatabaseIsRefusedUnderTheProdProfile(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("--spring.profiles.active=prod", "--idp.issuer=https://idp.test",
				"--idp.tokens.key-encryption-key=" + key(4)));
		assertAnalysis(output, "No spring.datasource.url is configured, and the prod profile is active",
				"Set spring.datasource.url");
		assertThat(this.dataDir.resolve("postgres").resolve("PG_VERSION")).doesNotExist();
	}

	private static void assertAnalysis(CapturedOutput output, String description, String action) {
		String all = output.getAll();
		assertThat(all).contains("APPLICATION FAILED TO START");
		int descriptionAt = all.lastIndexOf("Description:");
		int actionAt = all.lastIndexOf("Action:");
		assertThat(descriptionAt).isPositive().isLessThan(actionAt);
		assertThat(all.substring(descriptionAt, actionAt)).contains(description);
		assertThat(all.substring(actionAt)).contains(action);
	}

	private static String key(int fill) {
		byte[] key = new byte[32];
		java.util.Arrays.fill(key, (byte) fill);
		return Base64.getEncoder().encodeToString(key);
	}

	private ConfigurableApplicationContext start(String... arguments) {
		String[] all = new String[arguments.length + 2];
		all[0] = "--idp.data-dir=" + this.dataDir;
		all[1] = "--server.port=0";
		System.arraycopy(arguments, 0, all, 2, arguments.length);
		return new SpringApplicationBuilder(IdentityProviderApplication.class).run(all);
	}

}
