package dev.agentidp.app.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The audit admin API end to end, over HTTP, on a real PostgreSQL: who may call what
 * (401/403 problem documents, each denial recorded as {@code admin.denied}), query with
 * filters and paging, verify, export, signed checkpoints, and the offline verifier in
 * {@code docs/examples/verify-audit-export.mjs} (Node, on the npm {@code canonicalize}
 * package) run over what the API hands out.
 */
class AuditApiTests extends ProviderIntegrationTestSupport {

	static final String READER_SECRET = "audit-reader-secret-0123456789-abcdefghijklmn";

	@Autowired
	AuditTrail trail;

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
		JsonNode page = TestHttp
			.json(get("/admin/v1/audit?chain=_system&action=admin.denied&decision=deny", adminToken()));
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
			JsonNode page = TestHttp.json(response);
			assertThat(page.get("items").size()).isLessThanOrEqualTo(3);
			page.get("items").forEach((item) -> targets.add(item.get("target").asString()));
			pages++;
			JsonNode cursor = page.get("nextCursor");
			next = (cursor == null || cursor.isNull()) ? null
					: "/admin/v1/audit?chain=chain-api&limit=3&cursor=" + TestHttp.enc(cursor.asString());
		}
		assertThat(pages).isEqualTo(3);
		assertThat(targets).containsExactly("jti-6", "jti-5", "jti-4", "jti-3", "jti-2", "jti-1", "jti-0");

		JsonNode first = TestHttp.json(get("/admin/v1/audit?chain=chain-api&limit=1", token)).get("items").get(0);
		assertThat(first.get("seq").asLong()).isEqualTo(7);
		assertThat(first.get("occurredAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
		assertThat(first.get("prevHash").asString()).hasSize(64);
		assertThat(first.get("hash").asString()).hasSize(64);
		assertThat(first.get("details").get("i").asInt()).isEqualTo(6);
		assertThat(first.has("reason")).isTrue();

		assertThat(TestHttp.json(get("/admin/v1/audit?chain=chain-api&decision=deny", token)).get("items").size())
			.isEqualTo(3);
		assertThat(TestHttp.json(get("/admin/v1/audit?chain=chain-api&actor=actor-1", token)).get("items").size())
			.isEqualTo(3);
		assertThat(TestHttp.json(get("/admin/v1/audit?chain=chain-api&from=2100-01-01T00:00:00Z", token))
			.get("items")
			.size()).isZero();
		assertThat(TestHttp.json(get("/admin/v1/audit?chain=chain-api&to=2100-01-01", token)).get("items").size())
			.isEqualTo(7);
		assertThat(TestHttp.json(get("/admin/v1/audit?chain=chain-api&from=2000-01-01T01:00:00%2B01:00", token))
			.get("items")
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
			assertThat(TestHttp.json(response).get("parameter").asString()).isEqualTo(bad[1]);
			assertThat(TestHttp.json(response).get("detail").asString()).contains(bad[1]);
		}
		assertThat(get("/admin/v1/audit/export?format=csv", token).statusCode()).isEqualTo(400);
	}

	@Test
	void verifyAndExport() throws Exception {
		this.trail.append(new AuditEntry("chain-export", "client-1", "token.issued", "jti-1", Decision.ALLOW, null,
				Map.of("scope", "crm:read")));
		String token = readerToken();
		JsonNode verified = TestHttp.json(get("/admin/v1/audit/verify", token));
		assertThat(verified.get("valid").asBoolean()).isTrue();
		assertThat(verified.get("chains").asLong()).isPositive();
		assertThat(verified.get("records").asLong()).isPositive();
		assertThat(TestHttp.json(get("/admin/v1/audit/verify?chain=chain-export", token)).get("records").asLong())
			.isEqualTo(1);

		HttpResponse<String> export = get("/admin/v1/audit/export?format=jsonl", token);
		assertThat(export.statusCode()).isEqualTo(200);
		assertThat(export.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/jsonl"));
		List<String> lines = export.body().lines().toList();
		assertThat(lines).isNotEmpty();
		assertThat(lines).allSatisfy((line) -> {
			JsonNode record = TestHttp.JSON.readTree(line);
			assertThat(record.has("seq") && record.has("prevHash") && record.has("hash")).isTrue();
		});
		assertThat(export.body()).contains("\"chain\":\"chain-export\"");
	}

	@Test
	void aSecondVerifyOrExportWhileOneRunsIsRefusedWith429AndTokensAreStillIssued() throws Exception {
		this.trail
			.append(new AuditEntry("chain-busy", "client-1", "token.issued", "jti-1", Decision.ALLOW, null, Map.of()));
		String reader = readerToken();
		CountDownLatch writing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// an export whose reader does not read: it holds its snapshot (and a pooled
		// connection) until released
		OutputStream stalled = new OutputStream() {
			@Override
			public void write(int b) throws IOException {
				write(new byte[] { (byte) b }, 0, 1);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				writing.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException(ex);
				}
			}
		};
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<?> held = pool.submit(() -> this.trail.export(null, stalled));
			assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
			for (String path : List.of("/admin/v1/audit/verify", "/admin/v1/audit/export?format=jsonl")) {
				HttpResponse<String> refused = get(path, reader);
				assertThat(refused.statusCode()).as(path).isEqualTo(429);
				assertThat(refused.headers().firstValue("Retry-After")).as(path)
					.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isPositive());
				assertThat(refused.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				assertThat(TestHttp.json(refused).get("detail").asString()).contains("verify or export");
			}
			// token issuance does not wait on the audit reader
			long start = System.nanoTime();
			assertThat(adminToken()).isNotEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			release.countDown();
			held.get(30, TimeUnit.SECONDS);
		}
		finally {
			release.countDown();
			pool.shutdownNow();
		}
		assertThat(get("/admin/v1/audit/verify", reader).statusCode()).isEqualTo(200);
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
		JsonNode body = TestHttp.json(created);
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
		assertThat(TestHttp.json(latest).get("checkpoint").asString()).isEqualTo(body.get("checkpoint").asString());
		assertThat(TestHttp.json(get("/admin/v1/audit/verify", admin)).get("valid").asBoolean()).isTrue();
	}

	@Test
	void offlineVerifierReportsAChainCutShortOrDeletedSinceTheSignedCheckpoint(@TempDir Path dir) throws Exception {
		assumeThat(nodeWithCanonicalize()).as("node and canonicalize in docs/examples/node_modules").isTrue();
		String admin = offlineVerifierTrail();
		Path checkpoint = write(dir, "checkpoint.json", get("/admin/v1/audit/checkpoints/latest", admin).body());
		Path jwks = write(dir, "jwks.json", get("/oauth2/jwks", null).body());
		String export = get("/admin/v1/audit/export?format=jsonl", admin).body();
		JsonNode latest = TestHttp.JSON.readTree(Files.readString(checkpoint));
		String kid = JWSObject.parse(latest.get("checkpoint").asString()).getHeader().getKeyID();
		String signedAt = Instant.parse(latest.get("createdAt").asString()).truncatedTo(ChronoUnit.SECONDS).toString();

		Result intact = verifyOffline(write(dir, "audit.jsonl", export), "--checkpoint", checkpoint, "--jwks", jwks);
		assertThat(intact.exit()).as(intact.output()).isZero();
		assertThat(intact.output()).startsWith("valid: ")
			.contains("; checkpoint of " + signedAt + " (kid " + kid + ") matched on ");
		// the last record of a chain deleted: the rest of the chain still hashes
		Path truncated = write(dir, "truncated.jsonl",
				without(export, (r) -> ofChain(r, "chain-offline-a") && r.get("seq").asLong() == 3));
		assertThat(verifyOffline(truncated).exit()).isZero();
		Result behind = verifyOffline(truncated, "--checkpoint", checkpoint, "--jwks", jwks);
		assertThat(behind.exit()).isNotZero();
		assertThat(behind.output()).contains("INVALID: chain chain-offline-a is behind the signed checkpoint"
				+ " (export ends at seq 2, checkpoint has seq 3)");
		// a chain deleted whole
		Path dropped = write(dir, "dropped.jsonl", without(export, (r) -> ofChain(r, "chain-offline-b")));
		assertThat(verifyOffline(dropped).exit()).isZero();
		Result missing = verifyOffline(dropped, "--checkpoint", checkpoint, "--jwks", jwks);
		assertThat(missing.exit()).isNotZero();
		assertThat(missing.output())
			.contains("INVALID: chain chain-offline-b missing from the export (the signed checkpoint has seq 1)");
		// an export of one chain, checked against that chain's signed head only
		Path one = write(dir, "one.jsonl",
				get("/admin/v1/audit/export?format=jsonl&chain=chain-offline-a", admin).body());
		assertThat(verifyOffline(one, "--checkpoint", checkpoint, "--jwks", jwks).exit()).isNotZero();
		Result onlyExported = verifyOffline(one, "--checkpoint", checkpoint, "--jwks", jwks, "--only-exported-chains");
		assertThat(onlyExported.exit()).as(onlyExported.output()).isZero();
		assertThat(onlyExported.output()).startsWith("valid: 1 chains, 3 records;").endsWith("matched on 1 chains\n");
	}

	@Test
	@SuppressWarnings("unchecked")
	void offlineVerifierTrustsOnlyACheckpointSignedWithAPublishedKey(@TempDir Path dir) throws Exception {
		assumeThat(nodeWithCanonicalize()).as("node and canonicalize in docs/examples/node_modules").isTrue();
		String admin = offlineVerifierTrail();
		Path export = write(dir, "audit.jsonl", get("/admin/v1/audit/export?format=jsonl", admin).body());
		String jwksJson = get("/oauth2/jwks", null).body();
		Path jwks = write(dir, "jwks.json", jwksJson);
		String jws = TestHttp.json(get("/admin/v1/audit/checkpoints/latest", admin)).get("checkpoint").asString();
		JWSObject signed = JWSObject.parse(jws);
		String kid = signed.getHeader().getKeyID();
		// the JWS alone is accepted as well as the endpoint's JSON body
		Result raw = verifyOffline(export, "--checkpoint", write(dir, "checkpoint.jws", jws), "--jwks", jwks);
		assertThat(raw.exit()).as(raw.output()).isZero();

		byte[] signature = signed.getSignature().decode();
		signature[signature.length / 2] ^= 1;
		String flipped = jws.substring(0, jws.lastIndexOf('.') + 1)
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
		Result forged = verifyOffline(export, "--checkpoint", write(dir, "flipped.jws", flipped), "--jwks", jwks);
		assertThat(forged.exit()).isNotZero();
		assertThat(forged.output()).contains("INVALID: the checkpoint signature does not verify with key " + kid);

		Path otherKeys = write(dir, "other-jwks.json", jwksJson.replace(kid, kid + "-rotated-away"));
		Result unknown = verifyOffline(export, "--checkpoint", write(dir, "checkpoint.jws", jws), "--jwks", otherKeys);
		assertThat(unknown.exit()).isNotZero();
		assertThat(unknown.output())
			.contains("INVALID: checkpoint signed with kid " + kid + ", which is not in the JWKS");

		String unsigned = b64url("{\"alg\":\"none\",\"kid\":\"" + kid + "\",\"typ\":\"checkpoint+jwt\"}") + "."
				+ signed.getPayload().toBase64URL() + ".";
		Result none = verifyOffline(export, "--checkpoint", write(dir, "none.jws", unsigned), "--jwks", jwks);
		assertThat(none.exit()).isNotZero();
		assertThat(none.output()).contains("INVALID: checkpoint alg none refused");

		// ES256, whatever the provider signs with: the same heads signed with a P-256 key
		ECKey es256 = new ECKeyGenerator(Curve.P_256).keyID("offline-es256").algorithm(JWSAlgorithm.ES256).generate();
		Path es256Keys = write(dir, "es256-jwks.json", new JWKSet(es256.toPublicJWK()).toString());
		Map<String, Object> claims = signed.getPayload().toJSONObject();
		Result es256Valid = verifyOffline(export, "--checkpoint", write(dir, "es256.jws", signEs256(es256, claims)),
				"--jwks", es256Keys);
		assertThat(es256Valid.exit()).as(es256Valid.output()).isZero();
		assertThat(es256Valid.output()).contains("(kid offline-es256) matched on");
		// a head whose hash is not the exported record's: a chain rewritten with
		// consistent hashes
		Map<String, Object> heads = new LinkedHashMap<>((Map<String, Object>) claims.get("heads"));
		heads.put("chain-offline-a", Map.of("seq", 3, "hash", "0".repeat(64)));
		Map<String, Object> rewritten = new LinkedHashMap<>(claims);
		rewritten.put("heads", heads);
		Result differs = verifyOffline(export, "--checkpoint", write(dir, "rewritten.jws", signEs256(es256, rewritten)),
				"--jwks", es256Keys);
		assertThat(differs.exit()).isNotZero();
		assertThat(differs.output())
			.contains("INVALID: chain chain-offline-a seq 3 differs from the signed checkpoint");
		// an ES256 header naming an Ed25519 key
		String ed25519 = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"offline-es256\",\"x\":\"%s\"}"
			.formatted(b64url("x".repeat(32)));
		Path okp = write(dir, "okp-jwks.json", "{\"keys\":[" + ed25519 + "]}");
		Result mismatch = verifyOffline(export, "--checkpoint", write(dir, "es256.jws", signEs256(es256, claims)),
				"--jwks", okp);
		assertThat(mismatch.exit()).isNotZero();
		assertThat(mismatch.output())
			.contains("INVALID: checkpoint alg ES256 does not fit key offline-es256 (OKP Ed25519)");
	}

	@Test
	@SuppressWarnings("unchecked")
	void offlineVerifierChecksThatSeveralCheckpointsLink(@TempDir Path dir) throws Exception {
		assumeThat(nodeWithCanonicalize()).as("node and canonicalize in docs/examples/node_modules").isTrue();
		String admin = offlineVerifierTrail();
		Path older = write(dir, "older.json", get("/admin/v1/audit/checkpoints/latest", admin).body());
		// the trail goes on, on a chain of its own (the other tests cut chain-offline-a
		// at
		// seq 3)
		this.trail.append(new AuditEntry("chain-offline-c", "client-1", "token.issued", "jti-4", Decision.ALLOW, null,
				Map.of("n", 4)));
		assertThat(post("/admin/v1/audit/checkpoints", admin).statusCode()).isEqualTo(201);
		String newest = TestHttp.json(get("/admin/v1/audit/checkpoints/latest", admin)).get("checkpoint").asString();
		Path jwks = write(dir, "jwks.json", get("/oauth2/jwks", null).body());
		Path export = write(dir, "audit.jsonl", get("/admin/v1/audit/export?format=jsonl", admin).body());
		Map<String, Object> claims = JWSObject.parse(newest).getPayload().toJSONObject();
		assertThat(((Number) claims.get("seq")).longValue()).isEqualTo(
				((Number) JWSObject.parse(TestHttp.JSON.readTree(Files.readString(older)).get("checkpoint").asString())
					.getPayload()
					.toJSONObject()
					.get("seq")).longValue() + 1);

		Result linked = verifyOffline(export, "--checkpoint", older, "--checkpoint", write(dir, "newest.jws", newest),
				"--jwks", jwks);
		assertThat(linked.exit()).as(linked.output()).isZero();
		assertThat(linked.output()).contains("; 2 checkpoints linked");
		// the newest re-signed with another prev: it no longer links to the older one
		ECKey es256 = new ECKeyGenerator(Curve.P_256).keyID("offline-es256").algorithm(JWSAlgorithm.ES256).generate();
		JsonNode olderJwks = TestHttp.JSON.readTree(get("/oauth2/jwks", null).body());
		List<Object> keys = new ArrayList<>(TestHttp.JSON.convertValue(olderJwks.get("keys"), List.class));
		keys.add(es256.toPublicJWK().toJSONObject());
		Path both = write(dir, "both-jwks.json", TestHttp.JSON.writeValueAsString(Map.of("keys", keys)));
		Map<String, Object> relinked = new LinkedHashMap<>(claims);
		relinked.put("prev",
				Map.of("seq", ((Map<String, Object>) claims.get("prev")).get("seq"), "hash", "0".repeat(64)));
		Result unlinked = verifyOffline(export, "--checkpoint", older, "--checkpoint",
				write(dir, "relinked.jws", signEs256(es256, relinked)), "--jwks", both);
		assertThat(unlinked.exit()).isNotZero();
		assertThat(unlinked.output()).containsPattern("INVALID: checkpoint \\d+ does not link to checkpoint \\d+");
	}

	/**
	 * Three records in {@code chain-offline-a}, one in {@code chain-offline-b}, then a
	 * checkpoint over them.
	 * @return an admin token
	 */
	String offlineVerifierTrail() throws Exception {
		if (this.jdbc.sql("SELECT count(*) FROM audit_record WHERE chain = 'chain-offline-a'")
			.query(Long.class)
			.single() == 0) {
			for (int i = 1; i <= 3; i++) {
				this.trail.append(new AuditEntry("chain-offline-a", "client-1", "token.issued", "jti-" + i,
						Decision.ALLOW, null, Map.of("n", i)));
			}
			this.trail.append(new AuditEntry("chain-offline-b", "client-1", "agent.registered", "chain-offline-b",
					Decision.ALLOW, null, Map.of()));
		}
		String admin = adminToken();
		assertThat(post("/admin/v1/audit/checkpoints", admin).statusCode()).isEqualTo(201);
		return admin;
	}

	static String signEs256(ECKey key, Map<String, Object> claims) throws Exception {
		JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
			.type(new JOSEObjectType("checkpoint+jwt"))
			.build(), new Payload(claims));
		jws.sign(new ECDSASigner(key));
		return jws.serialize();
	}

	static String without(String jsonl, Predicate<JsonNode> dropped) {
		return jsonl.lines()
			.filter((line) -> !dropped.test(TestHttp.JSON.readTree(line)))
			.map((line) -> line + "\n")
			.reduce("", String::concat);
	}

	static boolean ofChain(JsonNode record, String chain) {
		return record.get("chain").asString().equals(chain);
	}

	static Path write(Path dir, String name, String content) throws IOException {
		return Files.writeString(dir.resolve(name), content);
	}

	static String b64url(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	/** The offline verifier: Node with the npm package {@code canonicalize}. */
	static final Path VERIFIER = Path.of("..", "docs", "examples", "verify-audit-export.mjs")
		.toAbsolutePath()
		.normalize();

	static boolean nodeWithCanonicalize() {
		if (!Files.isDirectory(VERIFIER.resolveSibling("node_modules").resolve("canonicalize"))) {
			return false;
		}
		try {
			Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
			return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static Result verifyOffline(Path export, Object... options) throws Exception {
		List<String> command = new ArrayList<>(List.of("node", VERIFIER.toString(), export.toString()));
		for (Object option : options) {
			command.add(option.toString());
		}
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(p.exitValue(), output);
	}

	record Result(int exit, String output) {
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

	String token(String clientId, String secret, String scope) {
		return this.http.token(clientId, secret, scope);
	}

	HttpResponse<String> get(String path, String bearer) {
		return this.http.get(path, bearer);
	}

	HttpResponse<String> post(String path, String bearer) {
		return this.http.send("POST", path, bearer, null, null);
	}

	String base() {
		return this.http.baseUrl();
	}

}
