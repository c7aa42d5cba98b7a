package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees: every OAuth endpoint as its own series with latency buckets in
 * {@code http_server_requests}, denials counted by reason, and each refusal as one INFO
 * line naming client, endpoint and reason, never a secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperatorSignalsTests extends ProviderIntegrationTestSupport {

	@Test
	void oauthEndpointsAreLabelledByPathWithLatencyBuckets() {
		http().token("idp-admin", ADMIN_SECRET, "idp:admin");
		http().postForm("/oauth2/introspect", "idp-admin", ADMIN_SECRET, Map.of("token", "x"));
		http().get("/.well-known/oauth-authorization-server", null);
		String metrics = http().get("/actuator/prometheus", null).body();
		for (String uri : new String[] { "/oauth2/token", "/oauth2/introspect",
				"/.well-known/oauth-authorization-server" }) {
			assertThat(metrics).as(uri)
				.containsPattern("http_server_requests_seconds_bucket\\{[^}]*uri=\""
						+ java.util.regex.Pattern.quote(uri) + "\"[^}]*\\}");
		}
		assertThat(metrics)
			.doesNotContainPattern("http_server_requests_seconds_count\\{[^}]*uri=\"UNKNOWN\"[^}]*" + "uri=\"/oauth2");
		// no long-task timer per request (application.yml, ignored-meters)
		assertThat(metrics).doesNotContain("http_server_requests_active");
	}

	@Test
	void denialsAreCountedByReasonAndLoggedOncePerRefusalWithoutTheSecret(CapturedOutput output) {
		// clients of this test's own: the log's per-client rate counts every refusal of
		// the
		// shared context's clients in the same minute
		String unknownClient = "signals-" + UUID.randomUUID();
		String wrongSecret = "wrong-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
		HttpResponse<String> unknown = http().postForm("/oauth2/token", unknownClient, wrongSecret,
				Map.of("grant_type", "client_credentials", "scope", "idp:admin"));
		assertThat(unknown.statusCode()).isEqualTo(401);
		String admin = "signals-admin-" + UUID.randomUUID();
		String secret = "signals-admin-secret-0123456789-abcdefghijklmnop";
		this.clients.registerWithSecret(admin, "Signals admin", ClientKind.ADMIN, secret, Set.of("idp:admin"));
		HttpResponse<String> scope = http().postForm("/oauth2/token", admin, secret,
				Map.of("grant_type", "client_credentials", "scope", "not-a-scope"));
		assertThat(scope.statusCode()).isEqualTo(400);
		String metrics = http().get("/actuator/prometheus", null).body();
		assertThat(metrics)
			.containsPattern("idp_decisions_total\\{[^}]*decision=\"deny\"[^}]*reason=\"unknown_client\"")
			.containsPattern("idp_decisions_total\\{[^}]*decision=\"deny\"[^}]*reason=\"scope\"");
		assertThat(output.getAll())
			.contains("Refused: client=" + unknownClient + " endpoint=/oauth2/token reason=invalid_client")
			.contains("Refused: client=" + admin + " endpoint=/oauth2/token reason=invalid_scope")
			.doesNotContain(wrongSecret)
			.doesNotContain(secret);
	}

}
