package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.tokens.SigningKeyCipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret reaches a log line, at any level: a full journey (bootstrap admin, agent
 * registered with a generated key, a client registered with a generated secret, token
 * issued, introspected, revoked, and a failed authentication) runs with
 * {@code dev.agentidp} and Spring Security at TRACE and everything else at DEBUG, and no
 * captured line carries a client secret, the private key's {@code d}, a client assertion
 * or an access token (nor a token's signature on its own). At rest, client secrets are
 * stored as hashes and the provider's signing keys encrypted.
 */
@ExtendWith(OutputCaptureExtension.class)
public final class SecretsTests {

	@TempDir
	static Path dataDir;

	@Test
	void noSecretOfAFullJourneyAppearsInAnyLogLineAndSecretsAreProtectedAtRest(CapturedOutput output) {
		List<String> secrets = new ArrayList<>();
		secrets.add(TestProvider.ADMIN_SECRET);
		try (TestProvider provider = TestProvider.start(TestDatabase.newSchema(), dataDir, "logging.level.root",
				"DEBUG", "logging.level.dev.agentidp", "TRACE", "logging.level.org.springframework.security", "TRACE",
				"logging.level.org.springframework.web", "TRACE")) {
			String admin = provider.adminToken();
			secrets.add(admin);
			TestAgent agent = provider.registerAgent(admin, "crm:read");
			secrets.add(agent.key().getD().toString());
			HttpResponse<String> client = provider.postJson("/admin/v1/clients",
					"{\"name\":\"secrets-rs\",\"kind\":\"resource_server\",\"scopes\":[]}", admin);
			assertThat(client.statusCode()).isEqualTo(201);
			String clientId = TestHttp.json(client).get("clientId").asString();
			String clientSecret = TestHttp.json(client).get("clientSecret").asString();
			secrets.add(clientSecret);
			Map<String, String> form = agent.tokenForm("crm:read");
			secrets.add(form.get("client_assertion"));
			HttpResponse<String> issued = provider.postForm("/oauth2/token", form);
			assertThat(issued.statusCode()).isEqualTo(200);
			String token = TestHttp.json(issued).get("access_token").asString();
			secrets.add(token);
			HttpResponse<String> introspected = provider.postForm("/oauth2/introspect", Map.of("token", token),
					clientId, clientSecret);
			assertThat(TestHttp.json(introspected).get("active").asBoolean()).isTrue();
			Map<String, String> revoke = agent.authForm();
			secrets.add(revoke.get("client_assertion"));
			revoke.put("token", token);
			assertThat(provider.postForm("/oauth2/revoke", revoke).statusCode()).isEqualTo(200);
			// a replayed assertion and a wrong secret are refused, and not logged either
			assertThat(provider.postForm("/oauth2/token", form).statusCode()).isEqualTo(401);
			String wrongSecret = "wrong-" + clientSecret.substring(6);
			secrets.add(wrongSecret);
			assertThat(
					provider.postForm("/oauth2/introspect", Map.of("token", token), clientId, wrongSecret).statusCode())
				.isEqualTo(401);

			// at rest: the client secret is a SHA-256 hash, not the secret
			String stored = provider.jdbc()
				.sql("SELECT secret_hash FROM oauth_client WHERE client_id = ?")
				.param(clientId)
				.query(String.class)
				.single();
			assertThat(stored).matches("[0-9a-f]{64}").doesNotContain(clientSecret);
			assertThat(provider.jdbc()
				.sql("SELECT count(*) FROM oauth_client WHERE secret_hash LIKE ? OR jwk::text LIKE ? OR name LIKE ?")
				.params("%" + clientSecret + "%", "%" + clientSecret + "%", "%" + clientSecret + "%")
				.query(Long.class)
				.single()).isZero();
			// at rest: the signing key's private d is encrypted (decrypting proves it is
			// there)
			SigningKeyCipher cipher = provider.context().getBean(SigningKeyCipher.class);
			provider.jdbc().sql("SELECT kid, private_key_enc FROM signing_key").query((rs, row) -> {
				String kid = rs.getString("kid");
				byte[] sealed = rs.getBytes("private_key_enc");
				JsonNode jwk = TestHttp.JSON.readTree(cipher.decrypt(sealed, kid));
				String d = jwk.get("d").asString();
				String text = new String(sealed, StandardCharsets.ISO_8859_1);
				assertThat(text).doesNotContain(d).doesNotContain("\"d\"");
				assertThat(HexFormat.of().formatHex(sealed))
					.doesNotContain(HexFormat.of().formatHex(Base64.getUrlDecoder().decode(d)));
				assertThat(Base64.getEncoder().encodeToString(sealed)).doesNotContain(d);
				return kid;
			}).list();
			// the agent's private key was never stored anywhere
			assertThat(provider.jdbc()
				.sql("SELECT count(*) FROM agent_key WHERE jwk::text LIKE ?")
				.param("%" + agent.key().getD() + "%")
				.query(Long.class)
				.single()).isZero();
		}
		String logs = output.getAll();
		assertThat(logs).as("the journey was logged at DEBUG and TRACE").contains("DEBUG").contains("TRACE");
		for (String secret : secrets) {
			assertThat(logs).doesNotContain(secret);
			if (secret.chars().filter((c) -> c == '.').count() == 2) {
				// a JWT's signature alone would let no one forge it, but shows it was
				// logged
				String signature = secret.substring(secret.lastIndexOf('.') + 1);
				assertThat(logs).doesNotContain(signature);
			}
		}
	}

}
