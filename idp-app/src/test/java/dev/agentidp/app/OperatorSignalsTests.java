package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.Map;

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
	}

	@Test
	void denialsAreCountedByReasonAndLoggedOncePerRefusalWithoutTheSecret(CapturedOutput output) {
		String wrongSecret = "wrong-secret-of-the-admin-0123456789-abcdefghij";
		HttpResponse<String> unknown = http().postForm("/oauth2/token", "idp-admin", wrongSecret,
				Map.of("grant_type", "client_credentials", "scope", "idp:admin"));
		assertThat(unknown.statusCode()).isEqualTo(401);
		HttpResponse<String> scope = http().postForm("/oauth2/token", "idp-admin", ADMIN_SECRET,
				Map.of("grant_type", "client_credentials", "scope", "not-a-scope"));
		assertThat(scope.statusCode()).isEqualTo(400);
		String metrics = http().get("/actuator/prometheus", null).body();
		assertThat(metrics)
			.containsPattern("idp_decisions_total\\{[^}]*decision=\"deny\"[^}]*reason=\"unknown_client\"")
			.containsPattern("idp_decisions_total\\{[^}]*decision=\"deny\"[^}]*reason=\"scope\"");
		assertThat(output.getAll()).contains("Refused: client=idp-admin endpoint=/oauth2/token reason=invalid_client")
			.contains("Refused: client=idp-admin endpoint=/oauth2/token reason=invalid_scope")
			.doesNotContain(wrongSecret);
	}

}
