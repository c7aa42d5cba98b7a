package dev.agentidp.app.signals;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenID Shared Signals Framework 1.0 transmitter end to end: a resource server
 * creates a poll stream and a push stream with its access token, a revocation and a
 * suspension become CAEP {@code session-revoked} and RISC {@code account-disabled} SETs,
 * and each SET is verified here with Nimbus against the JWKS the provider publishes (not
 * with the provider's code); bad stream configurations and acknowledgements of unknown
 * SETs are refused and change nothing.
 */
class SharedSignalsTests {

	private static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

	private static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";

	private static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

	@TempDir
	static Path dataDir;

	static TestProvider provider;

	static String admin;

	@BeforeAll
	static void start() {
		provider = TestProvider.start(TestDatabase.newSchema(), dataDir, "idp.signals.delivery-interval", "100ms");
		admin = provider.adminToken();
	}

	@AfterAll
	static void stop() {
		TestProvider.closeAll(provider);
	}

	@Test
	void theMetadataNamesTheEndpointsAndTheJwks() {
		JsonNode metadata = TestHttp.json(provider.http().get("/.well-known/ssf-configuration", null));
		String issuer = provider.issuer();
		assertThat(metadata.get("issuer").asString()).isEqualTo(issuer);
		assertThat(metadata.get("jwks_uri").asString()).isEqualTo(issuer + "/oauth2/jwks");
		assertThat(metadata.get("configuration_endpoint").asString()).isEqualTo(issuer + "/ssf/streams");
		assertThat(metadata.get("status_endpoint").asString()).isEqualTo(issuer + "/ssf/status");
		assertThat(metadata.get("verification_endpoint").asString()).isEqualTo(issuer + "/ssf/verify");
		assertThat(metadata.get("delivery_methods_supported").toString()).contains("urn:ietf:rfc:8935",
				"urn:ietf:rfc:8936");
		assertThat(metadata.get("authorization_schemes").get(0).get("spec_urn").asString())
			.isEqualTo("urn:ietf:rfc:6749");
	}

	@Test
	void aPollStreamReceivesVerificationRevocationAndSuspensionAsSignedSets() throws Exception {
		String receiver = receiverToken("poller");
		JsonNode stream = created(create(receiver, """
				{"delivery": {"method": "urn:ietf:rfc:8936"},
				 "events_requested": ["%s", "%s"], "description": "kit"}
				""".formatted(SESSION_REVOKED, ACCOUNT_DISABLED)));
		String streamId = stream.get("stream_id").asString();
		String poll = stream.get("delivery").get("endpoint_url").asString();
		assertThat(poll).isEqualTo(provider.issuer() + "/ssf/poll/" + streamId);
		String path = URI.create(poll).getPath();

		// verification (SSF 1.0 §8.1.4)
		HttpResponse<String> verify = provider.http()
			.postJson("/ssf/verify", "{\"stream_id\": \"" + streamId + "\", \"state\": \"s-1\"}", receiver);
		assertThat(verify.statusCode()).as(verify.body()).isEqualTo(204);
		JsonNode first = poll(receiver, path, "{\"returnImmediately\": false}");
		assertThat(first.get("sets").size()).isEqualTo(1);
		String verificationJti = first.get("sets").propertyNames().iterator().next();
		JWTClaimsSet verification = verified(first.get("sets").get(verificationJti).asString(), receiver(receiver));
		assertThat(verification.getJWTID()).isEqualTo(verificationJti);
		assertThat(event(verification, VERIFICATION).get("state")).isEqualTo("s-1");

		// a revocation: CAEP session-revoked, the jti as an opaque subject
		TestAgent agent = provider.registerAgent(admin, "repo:read");
		String jti = TestHttp.claims(agent.token(provider.http(), "repo:read")).get("jti").asString();
		assertThat(
				provider.http().postJson("/admin/v1/tokens/revoke", "{\"jti\": \"" + jti + "\"}", admin).statusCode())
			.isEqualTo(200);
		JsonNode second = poll(receiver, path,
				"{\"ack\": [\"" + verificationJti + "\"], \"returnImmediately\": false}");
		assertThat(second.get("sets").size()).as(second.toString()).isEqualTo(1);
		JWTClaimsSet revoked = verified(
				second.get("sets").get(second.get("sets").propertyNames().iterator().next()).asString(),
				receiver(receiver));
		assertThat(revoked.getJSONObjectClaim("sub_id")).containsEntry("format", "opaque").containsEntry("id", jti);
		assertThat(event(revoked, SESSION_REVOKED)).containsKey("event_timestamp");
		assertThat(revoked.getAudience()).containsExactly(receiver(receiver));
		assertThat(revoked.getIssuer()).isEqualTo(provider.issuer());
		String revokedJti = revoked.getJWTID();

		// an acknowledgement of an unknown SET: refused, and the known one stays
		HttpResponse<String> unknown = provider.http()
			.postJson(path, "{\"ack\": [\"" + revokedJti + "\", \"no-such-set\"], \"returnImmediately\": true}",
					receiver);
		assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
		JsonNode error = TestHttp.json(unknown);
		assertThat(error.get("err").asString()).isEqualTo("invalid_request");
		assertThat(error.get("description").asString()).contains("\"no-such-set\" is no SET waiting on this stream");
		assertThat(poll(receiver, path, "{\"returnImmediately\": true}").get("sets").has(revokedJti)).isTrue();

		// a suspension: RISC account-disabled for the agent, a complex subject (its
		// tokens are gone already, so no session-revoked)
		HttpResponse<String> suspended = provider.http()
			.postJson("/admin/v1/agents/" + agent.id() + "/suspend", "{\"reason\": \"compromised\"}", admin);
		assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
		JsonNode third = poll(receiver, path, "{\"ack\": [\"" + revokedJti + "\"], \"returnImmediately\": false}");
		assertThat(third.get("sets").size()).as(third.toString()).isEqualTo(1);
		JWTClaimsSet disabled = verified(
				third.get("sets").get(third.get("sets").propertyNames().iterator().next()).asString(),
				receiver(receiver));
		assertThat(disabled.getJSONObjectClaim("sub_id")).containsEntry("format", "complex")
			.containsEntry("user", Map.of("format", "opaque", "id", agent.id()));
		assertThat(event(disabled, ACCOUNT_DISABLED).get("reason_admin")).isEqualTo(Map.of("en", "compromised"));
		assertThat(provider.jdbc()
			.sql("SELECT count(*) FROM ssf_set WHERE stream_id = CAST(? AS uuid)")
			.param(streamId)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void aPushStreamIsPostedSignedSetsWithItsAuthorizationHeader() throws Exception {
		String receiver = receiverToken("pusher");
		try (Receiver endpoint = Receiver.start(() -> 202)) {
			created(create(receiver, """
					{"delivery": {"method": "urn:ietf:rfc:8935", "endpoint_url": "%s",
					              "authorization_header": "Bearer receiver-own-secret"},
					 "events_requested": ["%s"]}
					""".formatted(endpoint.url("/events"), SESSION_REVOKED)));
			TestAgent agent = provider.registerAgent(admin, "repo:read");
			String jti = TestHttp.claims(agent.token(provider.http(), "repo:read")).get("jti").asString();
			provider.http().postJson("/admin/v1/tokens/revoke", "{\"jti\": \"" + jti + "\"}", admin);
			Receiver.Received pushed = endpoint.next(Duration.ofSeconds(10));
			assertThat(pushed).as("the push").isNotNull();
			// RFC 8935 §2.1
			assertThat(pushed.header("Content-Type")).isEqualTo("application/secevent+jwt");
			assertThat(pushed.header("Authorization")).isEqualTo("Bearer receiver-own-secret");
			JWTClaimsSet set = verified(pushed.body(), receiver(receiver));
			assertThat(set.getJSONObjectClaim("sub_id")).containsEntry("id", jti);
			assertThat(event(set, SESSION_REVOKED)).isNotNull();
			String setJti = set.getJWTID();
			for (int i = 0; i < 50 && !"delivered".equals(setStatus(setJti)); i++) {
				Thread.sleep(100);
			}
			assertThat(setStatus(setJti)).isEqualTo("delivered");
		}
	}

	@Test
	void badStreamConfigurationsAreRefusedAndStoreNothing() {
		String receiver = receiverToken("careless");
		long before = provider.rows("ssf_stream");
		refused(receiver, "{\"delivery\": {\"method\": \"urn:ietf:rfc:8936\"}, \"events_requested\": [\"urn:x:nope\"]}",
				"events_requested: \"urn:x:nope\" is not an event type this transmitter supports");
		refused(receiver, "{\"delivery\": {\"method\": \"urn:x:carrier-pigeon\"}, \"events_requested\": [\""
				+ SESSION_REVOKED + "\"]}", "delivery.method: \"urn:x:carrier-pigeon\" is not supported");
		refused(receiver, "{\"events_requested\": [\"" + SESSION_REVOKED + "\"]}", "delivery.method: is required");
		refused(receiver,
				"{\"delivery\": {\"method\": \"urn:ietf:rfc:8935\", \"endpoint_url\": \"ftp://x\"}, "
						+ "\"events_requested\": [\"" + SESSION_REVOKED + "\"]}",
				"delivery.endpoint_url: must be an absolute https URL");
		refused(receiver,
				"{\"delivery\": {\"method\": \"urn:ietf:rfc:8936\", \"endpoint_url\": \"https://x.example\"}, "
						+ "\"events_requested\": [\"" + SESSION_REVOKED + "\"]}",
				"delivery.endpoint_url: is given by the transmitter for poll delivery");
		refused(receiver, "{\"delivery\": {\"method\": \"urn:ietf:rfc:8936\"}, \"events_requested\": []}",
				"events_requested: must name at least one");
		assertThat(provider.rows("ssf_stream")).isEqualTo(before);
		assertThat(TestAssertions.auditCount(provider.jdbc(), "ssf.refused")).isGreaterThanOrEqualTo(6);
		// no token, an agent's token, another client's stream
		HttpResponse<String> anonymous = provider.http().get("/ssf/streams", null);
		TestAssertions.assertProblem(anonymous, 401, "A bearer access token");
		TestAgent agent = provider.registerAgent(admin, "repo:read");
		TestAssertions.assertProblem(provider.http().get("/ssf/streams", agent.token(provider.http(), "repo:read")),
				403, "not agents");
		String theirs = created(create(receiverToken("owner"),
				"{\"delivery\": {\"method\": \"urn:ietf:rfc:8936\"}, \"events_requested\": [\"" + SESSION_REVOKED
						+ "\"]}"))
			.get("stream_id")
			.asString();
		TestAssertions.assertProblem(provider.http().get("/ssf/streams?stream_id=" + theirs, receiver), 404,
				"No stream");
		HttpResponse<String> foreignPoll = provider.http().postJson("/ssf/poll/" + theirs, "{}", receiver);
		assertThat(foreignPoll.statusCode()).isEqualTo(404);
		assertThat(TestHttp.json(foreignPoll).get("err").asString()).isEqualTo("invalid_request");
	}

	@Test
	void aStreamIsReadUpdatedPausedAndDeleted() {
		String receiver = receiverToken("manager");
		String streamId = created(create(receiver, "{\"delivery\": {\"method\": \"urn:ietf:rfc:8936\"}, "
				+ "\"events_requested\": [\"" + SESSION_REVOKED + "\"]}"))
			.get("stream_id")
			.asString();
		HttpResponse<String> patched = provider.http()
			.send("PATCH", "/ssf/streams", receiver, "application/json", "{\"stream_id\": \"" + streamId
					+ "\", \"events_requested\": [\"" + SESSION_REVOKED + "\", \"" + ACCOUNT_DISABLED + "\"]}");
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		assertThat(TestHttp.json(patched).get("events_delivered").size()).isEqualTo(2);
		HttpResponse<String> paused = provider.http()
			.postJson("/ssf/status", "{\"stream_id\": \"" + streamId + "\", \"status\": \"paused\"}", receiver);
		assertThat(TestHttp.json(paused).get("status").asString()).isEqualTo("paused");
		assertThat(TestHttp.json(provider.http().get("/ssf/status?stream_id=" + streamId, receiver))
			.get("status")
			.asString()).isEqualTo("paused");
		TestAssertions.assertProblem(provider.http()
			.postJson("/ssf/status", "{\"stream_id\": \"" + streamId + "\", \"status\": \"sleeping\"}", receiver), 400,
				"status: must be enabled, paused or disabled");
		assertThat(provider.http().get("/ssf/streams", receiver).body()).contains(streamId);
		assertThat(
				provider.http().send("DELETE", "/ssf/streams?stream_id=" + streamId, receiver, null, null).statusCode())
			.isEqualTo(204);
		TestAssertions.assertProblem(provider.http().get("/ssf/streams?stream_id=" + streamId, receiver), 404,
				"No stream");
	}

	private static String setStatus(String jti) {
		return provider.jdbc().sql("SELECT status FROM ssf_set WHERE jti = ?").param(jti).query(String.class).single();
	}

	private static void refused(String receiver, String body, String detail) {
		TestAssertions.assertProblem(create(receiver, body), 400, detail);
	}

	private static HttpResponse<String> create(String receiver, String body) {
		return provider.http().postJson("/ssf/streams", body, receiver);
	}

	private static JsonNode created(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return TestHttp.json(response);
	}

	private static JsonNode poll(String receiver, String path, String body) {
		HttpResponse<String> response = provider.http().postJson(path, body, receiver);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

	/** A resource server's access token (client credentials, client_secret_basic). */
	static String receiverToken(String name) {
		TestProvider.ResourceServer client = provider.registerResourceServer(admin, name + "-" + System.nanoTime());
		HttpResponse<String> issued = provider.http()
			.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"), client.clientId(), client.secret());
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		return TestHttp.json(issued).get("access_token").asString();
	}

	private static String receiver(String token) {
		return TestHttp.claims(token).get("client_id").asString();
	}

	/**
	 * Verifies a SET as a receiver would, with Nimbus against the provider's published
	 * JWKS: signature, {@code typ: secevent+jwt} (RFC 8417 §2.3), issuer and audience.
	 */
	static JWTClaimsSet verified(String set, String audience) throws Exception {
		JWKSet jwks = JWKSet.parse(provider.http().get("/oauth2/jwks", null).body());
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
				java.util.Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), new ImmutableJWKSet<>(jwks)));
		processor.setJWTClaimsSetVerifier((claims, context) -> {
			if (!provider.issuer().equals(claims.getIssuer()) || !claims.getAudience().contains(audience)
					|| claims.getIssueTime() == null || claims.getJWTID() == null) {
				throw new com.nimbusds.jwt.proc.BadJWTException("iss, aud, iat or jti");
			}
		});
		return processor.process(set, null);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> event(JWTClaimsSet set, String type) throws Exception {
		Map<String, Object> events = set.getJSONObjectClaim("events");
		assertThat(events).containsOnlyKeys(type);
		return (Map<String, Object>) events.get(type);
	}

}
