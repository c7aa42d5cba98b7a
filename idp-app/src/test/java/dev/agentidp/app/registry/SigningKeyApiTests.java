package dev.agentidp.app.registry;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.tokens.SigningKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.agentidp.app.fixtures.TestAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: {@code /admin/v1/signing-keys} over HTTP (item 9), and a {@code signing_key}
 * row written into the database without the key-encryption key is neither published in
 * the JWKS nor trusted (item 1).
 */
class SigningKeyApiTests extends AdminApiTestSupport {

	private static final String KEYS = "/admin/v1/signing-keys";

	@Autowired
	SigningKeys signingKeys;

	@Test
	void rotatingMakesANewKeySignTheNextTokenWhileTheOldOneStaysInTheJwks() {
		String before = this.api.token();
		String oldKid = header(before).get("kid").asString();
		HttpResponse<String> rotated = this.api.postNoBody(KEYS + "/rotate");
		assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
		JsonNode key = TestHttp.json(rotated);
		String newKid = key.get("kid").asString();
		assertThat(newKid).isNotEqualTo(oldKid);
		assertThat(key.get("status").asString()).isEqualTo("active");
		assertThat(key.get("jwk").has("d")).isFalse();
		String after = this.api.token("idp-admin", ADMIN_SECRET, "idp:admin");
		assertThat(header(after).get("kid").asString()).isEqualTo(newKid);
		assertThat(jwksKids()).contains(oldKid, newKid);
		// the token the old key signed still works until it expires
		assertThat(this.api.get(KEYS).statusCode()).isEqualTo(200);
		JsonNode listed = TestHttp.json(this.api.get(KEYS));
		assertThat(listed.get("items")).anySatisfy((item) -> {
			assertThat(item.get("kid").asString()).isEqualTo(oldKid);
			assertThat(item.get("status").asString()).isEqualTo("retired");
			assertThat(item.get("publishedUntil").isNull()).isFalse();
		});
		assertThat(listed.toString()).doesNotContain("\"d\"").doesNotContain("private");
		assertThat(this.jdbc.sql("SELECT actor FROM audit_record WHERE action = 'signing_key.rotated' AND target = ?")
			.param(newKid)
			.query(String.class)
			.list()).containsExactly("idp-admin");
		HttpResponse<String> es256 = this.api.post(KEYS + "/rotate", "{\"algorithm\": \"ES256\"}");
		assertThat(es256.statusCode()).as(es256.body()).isEqualTo(200);
		assertThat(TestHttp.json(es256).get("algorithm").asString()).isEqualTo("ES256");
		assertThat(header(this.api.token("idp-admin", ADMIN_SECRET, "idp:admin")).get("alg").asString())
			.isEqualTo("ES256");
		// back to the algorithm it started with: the journeys that share this context
		// expect the configured one
		HttpResponse<String> back = this.api.post(KEYS + "/rotate",
				"{\"algorithm\": \"" + header(before).get("alg").asString() + "\"}");
		assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
	}

	@Test
	void aBadRotationRequestIs400AndRotatesNothing() {
		long keys = count("signing_key");
		assertProblem(this.api.post(KEYS + "/rotate", "{\"algorithm\": \"RS256\"}"), 400,
				"algorithm: must be EdDSA or ES256");
		assertProblem(this.api.post(KEYS + "/rotate", "{\"algorithm\": \"EdDSA\", \"kid\": \"mine\"}"), 400,
				"kid: is not a known field");
		assertProblem(this.api.post(KEYS + "/rotate", "[]"), 400, "body: must be a JSON object");
		assertThat(count("signing_key")).isEqualTo(keys);
	}

	@Test
	void aKeyRowWrittenWithoutTheKeyEncryptionKeyIsNeitherPublishedNorTrusted() throws Exception {
		ECKey forged = new ECKeyGenerator(Curve.P_256).algorithm(JWSAlgorithm.ES256)
			.keyIDFromThumbprint(true)
			.generate();
		this.jdbc.sql("""
				INSERT INTO signing_key (kid, algorithm, public_jwk, private_key_enc, status, created_at, retired_at)
				VALUES (?, 'ES256', ?::jsonb, ?, 'retired', now(), now())""")
			.params(forged.getKeyID(), forged.toPublicJWK().toJSONString(), "junk".getBytes(StandardCharsets.UTF_8))
			.update();
		JsonNode claims = payload(this.api.token());
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(forged.getKeyID())
			.type(new JOSEObjectType("at+jwt"))
			.build(), JWTClaimsSet.parse(claims.toString()));
		token.sign(new ECDSASigner(forged));
		// a token with an unknown kid makes a node read the keys again: it must not
		// trust the row then
		this.signingKeys.reload();
		HttpResponse<String> refused = this.api
			.send(this.api.request(KEYS).header("Authorization", "Bearer " + token.serialize()).GET().build());
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(jwksKids()).doesNotContain(forged.getKeyID()).isNotEmpty();
		assertThat(this.signingKeys.unauthenticatedRows()).isPositive();
		assertThat(TestHttp.json(this.api.get(KEYS)).get("items")).anySatisfy((item) -> {
			assertThat(item.get("kid").asString()).isEqualTo(forged.getKeyID());
			assertThat(item.get("status").asString()).isEqualTo("unauthenticated");
			assertThat(item.get("jwk").isNull()).isTrue();
		});
	}

	private List<String> jwksKids() {
		HttpResponse<String> jwks = this.api.send(this.api.request("/oauth2/jwks").GET().build());
		List<String> kids = new ArrayList<>();
		TestHttp.json(jwks).get("keys").forEach((key) -> kids.add(key.get("kid").asString()));
		return kids;
	}

	private static JsonNode header(String jwt) {
		return TestHttp.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
	}

	private static JsonNode payload(String jwt) {
		return TestHttp.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
	}

}
