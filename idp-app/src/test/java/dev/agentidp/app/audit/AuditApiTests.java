package dev.agentidp.app.audit;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWKSet;
import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.ClientRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit admin API end to end, over HTTP, on a real PostgreSQL: who may call what
 * (401/403 problem documents, each denial recorded as {@code admin.denied}), query with
 * filters and paging, verify, export, and signed checkpoints.
 */
// the inline datasource URL only keeps the embedded-database default from starting a
// PostgreSQL in ./data (whose lock another cached context may hold); TestDatabase's URL,
// a dynamic property, takes precedence
@SpringBootTest(classes = dev.agentidp.app.IdentityProviderApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "idp.audit.checkpoint-interval=1h",
				"spring.datasource.url=jdbc:postgresql://127.0.0.1/replaced-by-test-database" })
class AuditApiTests {

	static final String ADMIN_SECRET = "audit-test-bootstrap-secret-0123456789-abcdef";

	static final String READER_SECRET = "audit-reader-secret-0123456789-abcdefghijklmn";

	static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("idp.data-dir", () -> dataDir.toString());
		registry.add("IDP_BOOTSTRAP_ADMIN_SECRET", () -> ADMIN_SECRET);
	}

	@LocalServerPort
	int port;

	@Autowired
	AuditTrail trail;

	@Autowired
	ClientRegistry clients;

	@Autowired
	JdbcClient jdbc;

	final HttpClient http = HttpClient.newHttpClient();

	@Test
	void unauthenticatedAndUnderScopedCallsAreProblemsAndRecordedAsAdminDenied() throws Exception {
		HttpResponse<String> anonymous = get("/admin/v1/audit", null);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		HttpResponse<String> forged = get("/admin/v1/audit/verify", "not.a.token");
		assertThat(forged.statusCode()).isEqualTo(401);

		String reader = readerToken();
		HttpResponse<String> forbidden = post("/admin/v1/audit/checkpoints", reader);
		assertThat(forbidden.statusCode()).isEqualTo(403);
		assertThat(forbidden.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(get("/admin/v1/audit/verify", reader).statusCode()).isEqualTo(200);

		List<Map<String, Object>> denials = this.jdbc
			.sql("SELECT actor, target, reason, details::text AS details FROM audit_record"
					+ " WHERE chain = '_system' AND action = 'admin.denied' ORDER BY seq")
			.query()
			.listOfRows();
		assertThat(denials).anySatisfy((row) -> {
			assertThat(row.get("actor")).isNull();
			assertThat(row.get("target")).isEqualTo("/admin/v1/audit");
			assertThat(row.get("reason")).isEqualTo("missing bearer token");
			assertThat((String) row.get("details")).contains("\"method\": \"GET\"", "\"path\": \"/admin/v1/audit\"");
		});
		assertThat(denials).anySatisfy((row) -> {
			assertThat(row.get("reason")).isEqualTo("invalid bearer token");
			assertThat((String) row.get("details")).doesNotContain("not.a.token");
		});
		assertThat(denials).anySatisfy((row) -> {
			assertThat(row.get("actor")).isEqualTo("audit-reader");
			assertThat(row.get("target")).isEqualTo("/admin/v1/audit/checkpoints");
			assertThat(row.get("reason")).isEqualTo("insufficient scope");
		});
		// the denials are readable through the API too
		JsonNode page = json(get("/admin/v1/audit?chain=_system&action=admin.denied&decision=deny", adminToken()));
		assertThat(page.get("items").size()).isGreaterThanOrEqualTo(3);
		assertThat(page.get("items").get(0).get("decision").asString()).isEqualTo("deny");
	}

	@Test
	void queryFiltersAndPagesWithACursor() throws Exception {
		for (int i = 0; i < 7; i++) {
			this.trail.append(new AuditEntry("chain-api", "actor-" + (i % 2), "token.issued", "jti-" + i,
					(i % 3 == 0) ? Decision.DENY : Decision.ALLOW, null, Map.of("i", i)));
		}
		String token = readerToken();
		List<String> targets = new ArrayList<>();
		String next = "/admin/v1/audit?chain=chain-api&limit=3";
		int pages = 0;
		while (next != null) {
			HttpResponse<String> response = get(next, token);
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode page = json(response);
			assertThat(page.get("items").size()).isLessThanOrEqualTo(3);
			page.get("items").forEach((item) -> targets.add(item.get("target").asString()));
			pages++;
			JsonNode cursor = page.get("nextCursor");
			next = (cursor == null || cursor.isNull()) ? null
					: "/admin/v1/audit?chain=chain-api&limit=3&cursor=" + enc(cursor.asString());
		}
		assertThat(pages).isEqualTo(3);
		assertThat(targets).containsExactly("jti-6", "jti-5", "jti-4", "jti-3", "jti-2", "jti-1", "jti-0");

		JsonNode first = json(get("/admin/v1/audit?chain=chain-api&limit=1", token)).get("items").get(0);
		assertThat(first.get("seq").asLong()).isEqualTo(7);
		assertThat(first.get("occurredAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
		assertThat(first.get("prevHash").asString()).hasSize(64);
		assertThat(first.get("hash").asString()).hasSize(64);
		assertThat(first.get("details").get("i").asInt()).isEqualTo(6);
		assertThat(first.has("reason")).isTrue();

		assertThat(json(get("/admin/v1/audit?chain=chain-api&decision=deny", token)).get("items").size()).isEqualTo(3);
		assertThat(json(get("/admin/v1/audit?chain=chain-api&actor=actor-1", token)).get("items").size()).isEqualTo(3);
		assertThat(json(get("/admin/v1/audit?chain=chain-api&from=2100-01-01T00:00:00Z", token)).get("items").size())
			.isZero();
		assertThat(json(get("/admin/v1/audit?chain=chain-api&to=2100-01-01", token)).get("items").size()).isEqualTo(7);
		assertThat(json(get("/admin/v1/audit?chain=chain-api&from=2000-01-01T01:00:00%2B01:00", token)).get("items")
			.size()).isEqualTo(7);
	}

	@Test
	void badFilterValuesAreProblemsNamingTheParameter() throws Exception {
		String token = readerToken();
		for (String[] bad : new String[][] { { "decision=maybe", "decision" }, { "from=yesterday", "from" },
				{ "to=2026-13-01T00:00:00Z", "to" }, { "limit=0", "limit" }, { "limit=501", "limit" },
				{ "limit=ten", "limit" }, { "cursor=bm9wZQ", "cursor" } }) {
			HttpResponse<String> response = get("/admin/v1/audit?" + bad[0], token);
			assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(json(response).get("parameter").asString()).isEqualTo(bad[1]);
			assertThat(json(response).get("detail").asString()).contains(bad[1]);
		}
		assertThat(get("/admin/v1/audit/export?format=csv", token).statusCode()).isEqualTo(400);
	}

	@Test
	void verifyAndExport() throws Exception {
		this.trail.append(new AuditEntry("chain-export", "client-1", "token.issued", "jti-1", Decision.ALLOW, null,
				Map.of("scope", "crm:read")));
		String token = readerToken();
		JsonNode verified = json(get("/admin/v1/audit/verify", token));
		assertThat(verified.get("valid").asBoolean()).isTrue();
		assertThat(verified.get("chains").asLong()).isPositive();
		assertThat(verified.get("records").asLong()).isPositive();
		assertThat(json(get("/admin/v1/audit/verify?chain=chain-export", token)).get("records").asLong()).isEqualTo(1);

		HttpResponse<String> export = get("/admin/v1/audit/export?format=jsonl", token);
		assertThat(export.statusCode()).isEqualTo(200);
		assertThat(export.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/jsonl"));
		List<String> lines = export.body().lines().toList();
		assertThat(lines).isNotEmpty();
		assertThat(lines).allSatisfy((line) -> {
			JsonNode record = JSON.readTree(line);
			assertThat(record.has("seq") && record.has("prevHash") && record.has("hash")).isTrue();
		});
		assertThat(export.body()).contains("\"chain\":\"chain-export\"");
	}

	@Test
	void checkpointsAreSignedWithAPublishedKey() throws Exception {
		String admin = adminToken();
		HttpResponse<String> none = get("/admin/v1/audit/checkpoints/latest", admin);
		if (none.statusCode() == 404) {
			assertThat(none.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		}
		this.trail.append(
				new AuditEntry("chain-cp", "client-1", "agent.registered", "chain-cp", Decision.ALLOW, null, Map.of()));
		HttpResponse<String> created = post("/admin/v1/audit/checkpoints", admin);
		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode body = json(created);
		assertThat(body.get("chains").asInt()).isPositive();
		assertThat(body.get("createdAt").asString()).endsWith("Z");
		JWSObject jws = JWSObject.parse(body.get("checkpoint").asString());
		assertThat(jws.getHeader().getType().getType()).isEqualTo("checkpoint+jwt");
		JWKSet jwks = JWKSet.parse(get("/oauth2/jwks", null).body());
		assertThat(jwks.getKeyByKeyId(jws.getHeader().getKeyID())).isNotNull();
		Map<String, Object> payload = jws.getPayload().toJSONObject();
		assertThat(payload).containsKeys("iss", "iat", "heads");
		assertThat(((Map<?, ?>) payload.get("heads")).containsKey("chain-cp")).isTrue();
		assertThat(payload.get("iat")).isInstanceOf(Number.class);

		HttpResponse<String> latest = get("/admin/v1/audit/checkpoints/latest", readerToken());
		assertThat(latest.statusCode()).isEqualTo(200);
		assertThat(json(latest).get("checkpoint").asString()).isEqualTo(body.get("checkpoint").asString());
		assertThat(json(get("/admin/v1/audit/verify", admin)).get("valid").asBoolean()).isTrue();
	}

	String adminToken() throws Exception {
		return token("idp-admin", ADMIN_SECRET, "idp:admin");
	}

	String readerToken() throws Exception {
		if (this.clients.findClient("audit-reader").isEmpty()) {
			this.clients.registerWithSecret("audit-reader", "Audit reader", ClientKind.ADMIN, READER_SECRET,
					Set.of("idp:audit:read"));
		}
		return token("audit-reader", READER_SECRET, "idp:audit:read");
	}

	String token(String clientId, String secret, String scope) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization",
					"Basic " + Base64.getEncoder()
						.encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + enc(scope)))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response).get("access_token").asString();
	}

	HttpResponse<String> get(String path, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> post(String path, String bearer) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base() + path))
			.header("Authorization", "Bearer " + bearer)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	String base() {
		return "http://localhost:" + this.port;
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
