package dev.agentidp.app.signals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end, on real PostgreSQL and real HTTP: a revocation committed by a
 * provider whose delivery worker is off, that provider stopped before anything is
 * delivered, and a second provider on the same database delivers it, signed with
 * HMAC-SHA-256 over {@code "t.body"} (verified here with the JDK's {@link Mac}, not the
 * provider's code); bad subscriptions are refused with a precise detail, stored nowhere
 * and audited.
 */
class WebhookDeliveryTests {

	private static final String SECRET = "receiver-secret-0123456789abcdefghijklmnop";

	@TempDir
	Path dataDir;

	@Test
	void aRevocationCommittedBeforeACrashIsDeliveredByTheNextProviderSigned() throws Exception {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		try (Receiver receiver = Receiver.start(() -> 200)) {
			String jti;
			String subscription;
			try (TestProvider first = TestProvider.start(schema, this.dataDir, "idp.signals.delivery-enabled",
					"false")) {
				String admin = first.adminToken();
				HttpResponse<String> created = first.http().postJson("/admin/v1/webhooks", """
						{"url": "%s", "events": ["token.revoked", "agent.suspended"], "secret": "%s"}
						""".formatted(receiver.url("/hook"), SECRET), admin);
				assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
				JsonNode subscribed = TestHttp.json(created);
				assertThat(subscribed.has("secret")).as("a provided secret is not repeated").isFalse();
				subscription = subscribed.get("id").asString();
				TestAgent agent = first.registerAgent(admin, "repo:read");
				String token = agent.token(first.http(), "repo:read");
				jti = TestHttp.claims(token).get("jti").asString();
				HttpResponse<String> revoked = first.http()
					.postJson("/admin/v1/tokens/revoke", "{\"jti\": \"" + jti + "\"}", admin);
				assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
				// committed with the revocation, not delivered: the worker is off
				assertThat(first.jdbc()
					.sql("SELECT count(*) FROM signal_outbox WHERE event_type = 'token.revoked' AND dispatched_at IS NULL")
					.query(Long.class)
					.single()).isEqualTo(1);
				assertThat(receiver.next(Duration.ofMillis(1500))).isNull();
			}
			// the first provider is gone; a second one on the same database delivers
			try (TestProvider second = TestProvider.start(schema, this.dataDir, "idp.signals.delivery-interval",
					"200ms")) {
				Receiver.Received delivery = receiver.next(Duration.ofSeconds(15));
				assertThat(delivery).as("the delivery after the restart").isNotNull();
				assertThat(delivery.method()).isEqualTo("POST");
				assertThat(delivery.path()).isEqualTo("/hook");
				assertThat(delivery.header("Content-Type")).startsWith("application/json");
				assertSigned(delivery);
				JsonNode body = TestHttp.JSON.readTree(delivery.body());
				assertThat(body.get("type").asString()).isEqualTo("token.revoked");
				assertThat(body.get("id").asString()).isEqualTo(delivery.header("Agentidp-Event-Id"));
				assertThat(body.get("data").get("jtis").get(0).asString()).isEqualTo(jti);
				assertThat(delivery.header("Agentidp-Delivery-Id")).isNotBlank();
				// the log shows it delivered
				JsonNode log = awaitDelivered(second, subscription);
				assertThat(log.get("eventId").asString()).isEqualTo(body.get("id").asString());
				assertThat(log.get("lastStatus").intValue()).isEqualTo(200);
			}
		}
	}

	@Test
	void twoNodesShareTheOutboxAndDeliverEveryEvent(@TempDir Path otherDataDir) throws Exception {
		List<TestProvider> nodes = TestProvider.twoNodes(this.dataDir, otherDataDir, "idp.signals.delivery-interval",
				"100ms");
		try (Receiver receiver = Receiver.start(() -> 200)) {
			TestProvider a = nodes.get(0);
			TestProvider b = nodes.get(1);
			String admin = a.adminToken();
			assertThat(a.http().postJson("/admin/v1/webhooks", """
					{"url": "%s", "events": ["key.added"], "secret": "%s"}
					""".formatted(receiver.url("/keys"), SECRET), admin).statusCode()).isEqualTo(201);
			TestAgent agent = a.registerAgent(admin, "repo:read");
			int events = 10;
			for (int i = 0; i < events; i++) {
				TestProvider node = (i % 2 == 0) ? a : b;
				assertThat(node.http()
					.postJson("/admin/v1/agents/" + agent.id() + "/keys", "{\"generateKey\": true}", node.adminToken())
					.statusCode()).isEqualTo(200);
			}
			Set<String> received = new HashSet<>();
			int deliveries = 0;
			long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (received.size() < events && System.nanoTime() < until) {
				Receiver.Received delivery = receiver.next(Duration.ofMillis(500));
				if (delivery != null) {
					assertSigned(delivery);
					received.add(delivery.header("Agentidp-Event-Id"));
					deliveries++;
				}
			}
			assertThat(received).as("every event, from either node's worker").hasSize(events);
			assertThat(deliveries).as("at least once each").isGreaterThanOrEqualTo(events);
			assertThat(a.jdbc()
				.sql("SELECT count(*) FROM signal_outbox WHERE dispatched_at IS NULL")
				.query(Long.class)
				.single()).isZero();
		}
		finally {
			TestProvider.closeAll(nodes.toArray(TestProvider[]::new));
		}
	}

	/**
	 * Issue 19's notification of an owner, by issue 20's webhooks: an approval request is
	 * delivered as {@code approval.requested}, with the audit record's details and never
	 * the {@code auth_req_id}.
	 */
	@Test
	void anApprovalRequestIsDeliveredToTheWebhooksSubscribedToIt() throws Exception {
		try (Receiver receiver = Receiver.start(() -> 200);
				TestProvider provider = TestProvider.start(TestDatabase.newSchema(), this.dataDir,
						"idp.signals.delivery-interval", "200ms")) {
			String admin = provider.adminToken();
			assertThat(provider.http().postJson("/admin/v1/webhooks", """
					{"url": "%s", "events": ["approval.requested", "anomaly.detected"], "secret": "%s"}
					""".formatted(receiver.url("/approvals"), SECRET), admin).statusCode()).isEqualTo(201);
			TestAgent agent = provider.agents(admin)
				.document("webhook-approval")
				.scope("payments:refund", "critical")
				.tool("payments", "https://mcp.example.com/payments", "refund")
				.edit((document) -> {
					document.putObject("humanOversight").putArray("requiredFor").add("payments:refund");
					((tools.jackson.databind.node.ObjectNode) document.get("humanOversight")).putArray("approvers")
						.add("finance-lead");
				})
				.register();
			Map<String, String> ask = agent.authForm();
			ask.put("authorization_details",
					"[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\", \"cost\": 12.5}]");
			ask.put("binding_message", "Refund order 4711");
			HttpResponse<String> started = provider.http().postForm("/oauth2/bc-authorize", ask);
			assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
			String authReqId = TestHttp.json(started).get("auth_req_id").asString();

			Receiver.Received delivery = receiver.next(Duration.ofSeconds(15));
			assertThat(delivery).as("the approval request, delivered").isNotNull();
			assertSigned(delivery);
			assertThat(delivery.header("Agentidp-Event-Type")).isEqualTo("approval.requested");
			JsonNode body = TestHttp.JSON.readTree(delivery.body());
			assertThat(body.get("type").asString()).isEqualTo("approval.requested");
			assertThat(body.get("data").get("agentId").asString()).isEqualTo(agent.id());
			JsonNode details = body.get("data").get("details");
			assertThat(details.get("scope").asString()).isEqualTo("payments:refund");
			assertThat(details.get("authorization_details").get(0).get("tool").asString()).isEqualTo("payments");
			assertThat(details.get("approval_id").asString()).isNotEmpty();
			assertThat(delivery.body()).doesNotContain(authReqId);
			// an SSF stream hears nothing of it: no CAEP or RISC event says this
			assertThat(provider.rows("ssf_set")).isZero();
		}
	}

	@Test
	void aFailedDeliveryIsRetriedWithBackOffUnderTheSameIds() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		try (Receiver receiver = Receiver.start(() -> (calls.getAndIncrement() == 0) ? 500 : 200);
				TestProvider provider = TestProvider.start(TestDatabase.newSchema(), this.dataDir,
						"idp.signals.delivery-interval", "200ms")) {
			String admin = provider.adminToken();
			HttpResponse<String> created = provider.http().postJson("/admin/v1/webhooks", """
					{"url": "%s", "events": ["key.added"], "secret": "%s"}
					""".formatted(receiver.url("/keys"), SECRET), admin);
			String subscription = TestHttp.json(created).get("id").asString();
			TestAgent agent = provider.registerAgent(admin, "repo:read");
			HttpResponse<String> added = provider.http()
				.postJson("/admin/v1/agents/" + agent.id() + "/keys", "{\"generateKey\": true}", admin);
			assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
			Receiver.Received first = receiver.next(Duration.ofSeconds(10));
			assertThat(first).as("the first attempt").isNotNull();
			JsonNode failed = awaitLogged(provider, subscription, "pending", 500);
			assertThat(failed.get("attempts").intValue()).isEqualTo(1);
			assertThat(Duration.between(Instant.parse(failed.get("lastAttemptAt").asString()),
					Instant.parse(failed.get("nextAttemptAt").asString())))
				.isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
			Receiver.Received second = receiver.next(Duration.ofSeconds(20));
			assertThat(second).as("the retry").isNotNull();
			assertThat(second.header("Agentidp-Event-Id")).isEqualTo(first.header("Agentidp-Event-Id"));
			assertThat(second.header("Agentidp-Delivery-Id")).isEqualTo(first.header("Agentidp-Delivery-Id"));
			assertThat(second.body()).isEqualTo(first.body());
			assertSigned(second);
			JsonNode delivered = awaitLogged(provider, subscription, "delivered", 200);
			assertThat(delivered.get("attempts").intValue()).isEqualTo(2);
			assertThat(delivered.get("nextAttemptAt").isNull()).isTrue();
		}
	}

	@Test
	void outsideTheDevProfileLoopbackLinkLocalAndPrivateUrlsAreRefused() {
		try (TestProvider provider = TestProvider.start(TestDatabase.newSchema(), this.dataDir,
				"spring.profiles.active", "prod", "idp.tokens.key-encryption-key",
				Base64.getEncoder().encodeToString(new byte[32]), "idp.issuer", "http://localhost",
				"idp.signals.delivery-enabled", "false")) {
			String admin = provider.adminToken();
			refused(provider, admin, "{\"url\": \"http://93.184.215.14/h\", \"events\": [\"token.revoked\"]}",
					"url: must be an absolute https URL");
			for (String url : new String[] { "https://127.0.0.1/h", "https://localhost:8443/h",
					"https://169.254.169.254/latest/meta-data", "https://10.0.0.5/h", "https://[::1]/h" }) {
				refused(provider, admin, "{\"url\": \"" + url + "\", \"events\": [\"token.revoked\"]}",
						"a loopback, link-local or private address");
			}
			assertThat(provider.rows("webhook_subscription")).isZero();
			// an SSF push receiver is held to the same rule
			TestProvider.ResourceServer client = provider.registerResourceServer(admin, "ssrf-rs");
			HttpResponse<String> issued = provider.http()
				.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"), client.clientId(),
						client.secret());
			String token = TestHttp.json(issued).get("access_token").asString();
			TestAssertions.assertProblem(provider.http()
				.postJson("/ssf/streams",
						"{\"delivery\": {\"method\": \"urn:ietf:rfc:8935\", \"endpoint_url\": "
								+ "\"https://192.168.1.10/events\"}, \"events_requested\": "
								+ "[\"https://schemas.openid.net/secevent/caep/event-type/session-revoked\"]}",
						token),
					400, "delivery.endpoint_url: the host 192.168.1.10 resolves to 192.168.1.10");
			assertThat(provider.rows("ssf_stream")).isZero();
		}
	}

	@Test
	void badSubscriptionsAreRefusedStoredNowhereAndAudited() {
		try (TestProvider provider = TestProvider.start(TestDatabase.newSchema(), this.dataDir)) {
			String admin = provider.adminToken();
			long refusedBefore = TestAssertions.auditCount(provider.jdbc(), "webhook.refused");
			refused(provider, admin, "{\"url\": \"https://example.com/h\", \"events\": [\"token.minted\"]}",
					"events: \"token.minted\" is not an event type");
			refused(provider, admin, "{\"url\": \"https://example.com/h\", \"events\": []}",
					"events: must name at least one");
			refused(provider, admin, "{\"url\": \"ftp://example.com/h\", \"events\": [\"token.revoked\"]}",
					"url: must be an absolute https URL");
			refused(provider, admin, "{\"url\": \"not a url\", \"events\": [\"token.revoked\"]}",
					"url: must be an absolute https URL");
			refused(provider, admin,
					"{\"url\": \"https://example.com/h\", \"events\": [\"token.revoked\"], \"secret\": \"short\"}",
					"secret: must be 32 to 256 printable ASCII characters");
			refused(provider, admin, "{\"events\": [\"token.revoked\"]}", "url: is required");
			refused(provider, admin, "{\"url\": \"https://example.com/h\", \"events\": [\"token.revoked\"], \"x\": 1}",
					"x: is not a known field");
			assertThat(provider.rows("webhook_subscription")).isZero();
			assertThat(TestAssertions.auditCount(provider.jdbc(), "webhook.refused") - refusedBefore)
				.as("refusals the signals module saw")
				.isEqualTo(5);
			TestAssertions.assertProblem(
					provider.http().get("/admin/v1/webhooks/" + java.util.UUID.randomUUID(), admin), 404,
					"No webhook subscription");
			TestAssertions.assertProblem(provider.http().get("/admin/v1/webhooks/nope/deliveries", admin), 404,
					"No webhook subscription");
		}
	}

	@Test
	void aGeneratedSecretIsShownOnceAndTheSubscriptionCanBeDeleted() {
		try (TestProvider provider = TestProvider.start(TestDatabase.newSchema(), this.dataDir,
				"idp.signals.delivery-enabled", "false")) {
			String admin = provider.adminToken();
			HttpResponse<String> created = provider.http()
				.postJson("/admin/v1/webhooks",
						"{\"url\": \"https://example.com/h\", \"events\": [\"key.added\"], \"description\": \"siem\"}",
						admin);
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
			JsonNode subscription = TestHttp.json(created);
			String secret = subscription.get("secret").asString();
			assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
			String id = subscription.get("id").asString();
			HttpResponse<String> read = provider.http().get("/admin/v1/webhooks/" + id, admin);
			assertThat(read.body()).doesNotContain(secret).contains("\"description\":\"siem\"");
			assertThat(provider.http().get("/admin/v1/webhooks", admin).body()).doesNotContain(secret).contains(id);
			// stored encrypted, not as the text
			byte[] stored = provider.jdbc()
				.sql("SELECT secret_enc FROM webhook_subscription")
				.query(byte[].class)
				.single();
			assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
			assertThat(TestAssertions.auditCount(provider.jdbc(), "webhook.subscribed")).isEqualTo(1);
			assertThat(provider.http().send("DELETE", "/admin/v1/webhooks/" + id, admin, null, null).statusCode())
				.isEqualTo(204);
			assertThat(provider.rows("webhook_subscription")).isZero();
			TestAssertions.assertProblem(provider.http().send("DELETE", "/admin/v1/webhooks/" + id, admin, null, null),
					404, "No webhook subscription");
		}
	}

	private static void refused(TestProvider provider, String admin, String body, String detail) {
		TestAssertions.assertProblem(provider.http().postJson("/admin/v1/webhooks", body, admin), 400, detail);
	}

	/** Verifies the signature as a receiver would, with the JDK's HMAC. */
	private static void assertSigned(Receiver.Received delivery) throws Exception {
		String header = delivery.header("Agentidp-Signature");
		assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
		String t = header.substring(2, header.indexOf(','));
		String v1 = header.substring(header.indexOf("v1=") + 3);
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		String expected = HexFormat.of()
			.formatHex(mac.doFinal((t + "." + delivery.body()).getBytes(StandardCharsets.UTF_8)));
		assertThat(v1).isEqualTo(expected);
		assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t))).isLessThan(60);
	}

	private static JsonNode awaitDelivered(TestProvider provider, String subscription) throws InterruptedException {
		return awaitLogged(provider, subscription, "delivered", 200);
	}

	private static JsonNode awaitLogged(TestProvider provider, String subscription, String status, int lastStatus)
			throws InterruptedException {
		String admin = provider.adminToken();
		for (int i = 0; i < 50; i++) {
			JsonNode items = TestHttp
				.json(provider.http().get("/admin/v1/webhooks/" + subscription + "/deliveries", admin))
				.get("items");
			for (JsonNode item : items) {
				if (status.equals(item.get("status").asString()) && item.get("lastStatus").isInt()
						&& item.get("lastStatus").intValue() == lastStatus) {
					return item;
				}
			}
			Thread.sleep(100);
		}
		throw new AssertionError("no delivery was logged as " + status + " after HTTP " + lastStatus);
	}

}
