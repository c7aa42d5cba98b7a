package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 9: when {@code IDP_BOOTSTRAP_ADMIN_SECRET} changes between two starts on
 * one database, the bootstrap admin client's stored hash is replaced (audited), the old
 * secret stops working and the tokens it obtained are revoked; the same secret again
 * changes nothing.
 */
class BootstrapSecretRotationTests {

	private static final String FIRST = "first-bootstrap-secret-0123456789-abcdefghij";

	private static final String SECOND = "second-bootstrap-secret-0123456789-abcdefghij";

	@TempDir
	Path dataDir;

	@Test
	void aChangedBootstrapSecretReplacesTheOldOneAtTheNextStart() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String kek = java.util.Base64.getEncoder().encodeToString(new byte[32]);
		String oldToken;
		try (TestProvider first = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_SECRET", FIRST,
				"idp.tokens.key-encryption-key", kek)) {
			oldToken = token(first, FIRST);
			assertThat(first.get("/admin/v1/clients/idp-admin", oldToken).statusCode()).isEqualTo(200);
		}
		try (TestProvider second = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_SECRET", SECOND,
				"idp.tokens.key-encryption-key", kek)) {
			assertThat(tokenRequest(second, FIRST).statusCode()).as("the old secret").isEqualTo(401);
			assertThat(second.get("/admin/v1/clients/idp-admin", oldToken).statusCode())
				.as("a token the old secret obtained")
				.isEqualTo(401);
			String newToken = token(second, SECOND);
			assertThat(second.get("/admin/v1/clients/idp-admin", newToken).statusCode()).isEqualTo(200);
			assertThat(replacements(second)).isOne();
			assertThat(second.jdbc()
				.sql("SELECT count(*) FROM audit_record WHERE action = 'token.revoked' AND target = 'idp-admin'")
				.query(Long.class)
				.single()).isOne();
			assertThat(second.jdbc()
				.sql("SELECT details::text FROM audit_record WHERE action = 'client.secret_replaced'")
				.query(String.class)
				.single()).doesNotContain(SECOND).doesNotContain(FIRST);
		}
		try (TestProvider third = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_SECRET", SECOND,
				"idp.tokens.key-encryption-key", kek)) {
			assertThat(tokenRequest(third, SECOND).statusCode()).isEqualTo(200);
			assertThat(replacements(third)).as("the same secret again replaces nothing").isOne();
		}
	}

	@Test
	void aSecretSetAfterAGeneratedOneReplacesItAndDeletesTheFile() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String kek = java.util.Base64.getEncoder().encodeToString(new byte[32]);
		Path file = this.dataDir.resolve("bootstrap-admin-secret");
		String generated;
		try (TestProvider first = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_SECRET", "",
				"idp.tokens.key-encryption-key", kek)) {
			generated = readSecret(file);
			assertThat(tokenRequest(first, generated).statusCode()).isEqualTo(200);
		}
		try (TestProvider second = TestProvider.start(schema, this.dataDir, "IDP_BOOTSTRAP_ADMIN_SECRET", SECOND,
				"idp.tokens.key-encryption-key", kek)) {
			assertThat(tokenRequest(second, generated).statusCode()).isEqualTo(401);
			assertThat(tokenRequest(second, SECOND).statusCode()).isEqualTo(200);
			assertThat(file).doesNotExist();
		}
	}

	private static String readSecret(Path file) {
		try {
			return Files.readString(file).trim();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static long replacements(TestProvider provider) {
		return provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE action = 'client.secret_replaced' AND target = 'idp-admin'")
			.query(Long.class)
			.single();
	}

	private static HttpResponse<String> tokenRequest(TestProvider provider, String secret) {
		return provider.postForm("/oauth2/token", Map.of("grant_type", "client_credentials", "scope", "idp:admin"),
				"idp-admin", secret);
	}

	private static String token(TestProvider provider, String secret) {
		HttpResponse<String> response = tokenRequest(provider, secret);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response).get("access_token").asString();
	}

}
