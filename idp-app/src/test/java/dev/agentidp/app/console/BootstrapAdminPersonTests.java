package dev.agentidp.app.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's first person ({@code BootstrapAdminPerson}, docs/console.md): created at
 * first start with a generated password written once to the data directory (0600), kept
 * as it is at the next start; or with {@code IDP_BOOTSTRAP_ADMIN_PASSWORD}.
 */
class BootstrapAdminPersonTests {

	private static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);

	@TempDir
	Path dataDir;

	@Test
	void aGeneratedPasswordIsWrittenOnceOwnerOnlyAndSignsIn() throws IOException {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		Path file = this.dataDir.resolve("bootstrap-admin-password");
		String password;
		try (TestProvider first = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_PASSWORD", "",
				"idp.tokens.key-encryption-key", KEK)) {
			assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
			password = Files.readString(file).trim();
			assertThat(password).hasSizeGreaterThanOrEqualTo(40);
			assertThat(signIn(first, password)).endsWith("/console");
			assertThat(first.jdbc()
				.sql("SELECT actor FROM audit_record WHERE action = 'person.created' AND target = 'user:admin'")
				.query(String.class)
				.single()).isEqualTo("_bootstrap");
		}
		// the next start, even with a password set, changes nothing
		try (TestProvider second = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_PASSWORD",
				"another-password-0123456789", "idp.tokens.key-encryption-key", KEK)) {
			assertThat(Files.readString(file).trim()).isEqualTo(password);
			assertThat(signIn(second, password)).endsWith("/console");
			assertThat(signIn(second, "another-password-0123456789")).endsWith("/console/login?error");
		}
	}

	@Test
	void aConfiguredPasswordIsUsedAndNoFileIsWritten() {
		try (TestProvider provider = TestProvider.start(TestDatabase.newSchema(), this.dataDir,
				"IDP_BOOTSTRAP_ADMIN_PASSWORD", "configured-password-0123", "idp.tokens.key-encryption-key", KEK)) {
			assertThat(this.dataDir.resolve("bootstrap-admin-password")).doesNotExist();
			assertThat(signIn(provider, "configured-password-0123")).endsWith("/console");
		}
	}

	private static String signIn(TestProvider provider, String password) {
		return new ConsoleSession(provider.baseUrl()).signIn("admin", password)
			.headers()
			.firstValue("Location")
			.orElseThrow();
	}

}
