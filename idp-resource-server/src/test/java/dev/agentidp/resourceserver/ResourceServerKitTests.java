package dev.agentidp.resourceserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.resourceserver.fixture.KitFixtureApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit in a Spring MVC tool server (the fixture: properties only), against a stand-in
 * of the provider's endpoints: RFC 9728 metadata and challenges, DPoP-bound and bearer
 * tokens by introspection, every refused proof of the issue's bad-input list answered 401
 * {@code invalid_dpop_proof} (RFC 9449 §7.1), and {@link ToolCall} decisions.
 */
@SpringBootTest(classes = KitFixtureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResourceServerKitTests {

	static final String RESOURCE = "https://tools.example.com/github";

	static final StubProvider PROVIDER = new StubProvider();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@DynamicPropertySource
	static void kit(DynamicPropertyRegistry registry) {
		registry.add("agentidp.resource-server.issuer", PROVIDER::issuer);
		registry.add("agentidp.resource-server.resource", () -> RESOURCE);
		registry.add("agentidp.resource-server.client-id", () -> StubProvider.CLIENT_ID);
		registry.add("agentidp.resource-server.client-secret", () -> StubProvider.CLIENT_SECRET);
		registry.add("agentidp.resource-server.scopes-supported", () -> "github:create_pr,github:merge");
		// Tomcat refuses headers over 8 KiB by itself (400): let the kit see a larger
		// proof
		registry.add("server.max-http-request-header-size", () -> "32KB");
	}

	@AfterAll
	static void stop() {
		PROVIDER.close();
	}

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private final ECKey key = Proofs.ec("agent-key");

	@Test
	void theMetadataIsServedAtTheWellKnownPathsWithoutAToken() {
		for (String path : List.of("/.well-known/oauth-protected-resource",
				"/.well-known/oauth-protected-resource/github")) {
			HttpResponse<String> response = send("GET", path, Map.of());
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			JsonNode metadata = JSON.readTree(response.body());
			assertThat(metadata.get("resource").asString()).isEqualTo(RESOURCE);
			assertThat(metadata.get("authorization_servers").get(0).asString()).isEqualTo(PROVIDER.issuer());
			assertThat(metadata.get("scopes_supported").toString()).contains("github:create_pr");
			assertThat(metadata.get("dpop_signing_alg_values_supported").toString()).contains("EdDSA", "ES256");
			assertThat(metadata.get("dpop_bound_access_tokens_required").asBoolean()).isFalse();
		}
	}

	@Test
	void aRequestWithoutATokenIsChallengedForDpopAndBearerWithTheMetadataUrl() {
		HttpResponse<String> response = send("GET", "/whoami", Map.of());
		assertThat(response.statusCode()).isEqualTo(401);
		List<String> challenges = response.headers().allValues("WWW-Authenticate");
		String metadata = "resource_metadata=\"https://tools.example.com/.well-known/oauth-protected-resource/github\"";
		assertThat(challenges).hasSize(2);
		assertThat(challenges.get(0)).startsWith("DPoP ")
			.contains("algs=\"EdDSA ES256\"")
			.contains(metadata)
			.doesNotContain("error=");
		assertThat(challenges.get(1)).startsWith("Bearer ").contains(metadata);
	}

	@Test
	void aDpopBoundTokenWithAFreshProofIsAcceptedAndItsScopesAreAuthorities() {
		String token = boundToken(this.key, "github:create_pr github:merge");
		HttpResponse<String> response = dpop("GET", "/whoami", token, proof("GET", "/whoami", token));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.get("name").asString()).isEqualTo("worker-agent");
		assertThat(body.get("authorities").toString()).contains("SCOPE_github:create_pr", "SCOPE_github:merge");
	}

	@Test
	void everyBadProofIsRefusedWithInvalidDpopProof() {
		String token = boundToken(this.key, "github:create_pr");
		String url = url("/whoami");
		OctetKeyPair other = Proofs.ed("other");
		Map<String, String> cases = new LinkedHashMap<>();
		cases.put(Proofs.proof(this.key, "POST", url, token), "htm does not match");
		cases.put(Proofs.proof(this.key, "GET", url("/elsewhere"), token), "htu does not match");
		cases.put(Proofs.proof(this.key, "GET", url, null), "ath does not match");
		cases.put(Proofs.proof(this.key, "GET", url, "another-token"), "ath does not match");
		cases.put(
				Proofs.proof(this.key, "GET", url, token,
						(claims) -> claims.issueTime(Date.from(Instant.now().minusSeconds(300)))),
				"outside the accepted window");
		cases.put(
				Proofs.proof(this.key, "GET", url, token,
						(claims) -> claims.issueTime(Date.from(Instant.now().plusSeconds(300)))),
				"outside the accepted window");
		cases.put(Proofs.proof(other, "GET", url, token), "another key than the one the access token is bound to");
		// a private key in jwk
		cases.put(signedWithHeader("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + this.key.toJSONString() + "}",
				claims("GET", url, token)), "must not contain a private key");
		// HS256 and alg none
		cases.put(Base64URL
			.encode("{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":" + this.key.toPublicJWK().toJSONString() + "}")
				+ "." + Base64URL.encode(claims("GET", url, token).toString()) + ".c2ln", "alg must be one of");
		cases.put(Base64URL.encode("{\"typ\":\"dpop+jwt\",\"alg\":\"none\"}") + "."
				+ Base64URL.encode(claims("GET", url, token).toString()) + ".", "not a signed JWT");
		cases.put("x".repeat(8 * 1024 + 1), "larger than 8 KiB");
		cases.forEach((proof, reason) -> assertProofRefused(dpop("GET", "/whoami", token, proof), reason));
		// a replayed proof
		String once = proof("GET", "/whoami", token);
		assertThat(dpop("GET", "/whoami", token, once).statusCode()).isEqualTo(200);
		assertProofRefused(dpop("GET", "/whoami", token, once), "used before");
		// no proof, and two
		assertProofRefused(send("GET", "/whoami", Map.of("Authorization", "DPoP " + token)), "no DPoP header");
		HttpRequest two = HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "DPoP " + token)
			.header("DPoP", proof("GET", "/whoami", token))
			.header("DPoP", proof("GET", "/whoami", token))
			.GET()
			.build();
		assertProofRefused(send(two), "more than one DPoP header");
	}

	@Test
	void tokensThatAreNotForThisResourceOrPresentedWithTheWrongSchemeAreInvalidToken() {
		String bound = boundToken(this.key, "github:create_pr");
		// RFC 9449 §7.2: a bound token is not a bearer token
		assertTokenRefused(send("GET", "/whoami", Map.of("Authorization", "Bearer " + bound)), "Bearer", "DPoP-bound");
		String bearer = token(null, "github:create_pr", RESOURCE);
		assertThat(send("GET", "/whoami", Map.of("Authorization", "Bearer " + bearer)).statusCode()).isEqualTo(200);
		assertTokenRefused(dpop("GET", "/whoami", bearer, proof("GET", "/whoami", bearer)), "DPoP", "not DPoP-bound");
		String elsewhere = token(Proofs.thumbprint(this.key), "github:create_pr", "https://other.example.com");
		assertTokenRefused(dpop("GET", "/whoami", elsewhere, proof("GET", "/whoami", elsewhere)), "DPoP",
				"does not name this resource");
		String unknown = "unknown-" + UUID.randomUUID();
		assertTokenRefused(dpop("GET", "/whoami", unknown, proof("GET", "/whoami", unknown)), "DPoP", "not active");
		HttpRequest twice = HttpRequest.newBuilder(URI.create(url("/whoami")))
			.header("Authorization", "Bearer " + bearer)
			.header("Authorization", "Bearer " + bearer)
			.GET()
			.build();
		HttpResponse<String> response = send(twice);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(response.body()).get("error").asString()).isEqualTo("invalid_request");
		assertThat(send("GET", "/whoami", Map.of("Authorization", "Bearer a,b")).statusCode()).isEqualTo(400);
	}

	@Test
	void withoutACacheEveryRequestIsIntrospected() {
		String bearer = token(null, "github:create_pr", RESOURCE);
		int before = PROVIDER.introspections.get();
		send("GET", "/whoami", Map.of("Authorization", "Bearer " + bearer));
		send("GET", "/whoami", Map.of("Authorization", "Bearer " + bearer));
		assertThat(PROVIDER.introspections.get()).isEqualTo(before + 2);
		// revoked: refused at once
		PROVIDER.introspection.remove(bearer);
		assertTokenRefused(send("GET", "/whoami", Map.of("Authorization", "Bearer " + bearer)), "Bearer", "not active");
	}

	@Test
	void aToolCallRunsOnlyWhenThePdpAllowsItAndADenialIs403WithReasonUser() {
		String token = boundToken(this.key, "github:create_pr");
		PROVIDER.policyRequests.clear();
		HttpResponse<String> allowed = dpop("POST", "/repos/acme/create_pr?cost=0.25", token,
				proof("POST", "/repos/acme/create_pr", token));
		assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
		assertThat(allowed.body()).contains("created a pull request on acme");
		Map<String, Object> asked = PROVIDER.policyRequests.get(0);
		Map<?, ?> properties = (Map<?, ?>) ((Map<?, ?>) asked.get("subject")).get("properties");
		assertThat(((Map<?, ?>) asked.get("subject")).get("id")).isEqualTo("worker-agent");
		assertThat(properties.get("token")).isEqualTo(token);
		assertThat(properties.get("dpop_proof")).isNotNull();
		assertThat(properties.get("htm")).isEqualTo("POST");
		assertThat(properties.get("htu")).isEqualTo(url("/repos/acme/create_pr"));
		assertThat(asked.get("resource").toString()).contains("github").contains("target=acme");
		assertThat(((Map<?, ?>) asked.get("context")).get("cost").toString()).isEqualTo("0.25");
		HttpResponse<String> denied = dpop("POST", "/repos/acme/merge", token,
				proof("POST", "/repos/acme/merge", token));
		assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
		assertThat(denied.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
		JsonNode problem = JSON.readTree(denied.body());
		assertThat(problem.get("detail").asString()).isEqualTo("The access token does not allow merge");
		assertThat(problem.get("code").asString()).isEqualTo("scope_missing");
	}

	// --- helpers ---------------------------------------------------------------------

	/** A proof with a header written by hand (Nimbus refuses to build some), ES256. */
	private String signedWithHeader(String header, JWTClaimsSet claims) {
		String input = Base64URL.encode(header) + "." + Base64URL.encode(claims.toString());
		try {
			return input + "." + new ECDSASigner(this.key).sign(new JWSHeader(JWSAlgorithm.ES256),
					input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JWTClaimsSet claims(String method, String url, String token) {
		return new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", method)
			.claim("htu", url)
			.claim("ath", DpopProofVerifier.sha256(token))
			.issueTime(new Date())
			.build();
	}

	private String boundToken(ECKey key, String scope) {
		return token(Proofs.thumbprint(key), scope, RESOURCE);
	}

	/** An opaque token that the stub's introspection answers active for. */
	private static String token(String jkt, String scope, String audience) {
		String token = "tok-" + UUID.randomUUID();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("active", true);
		answer.put("iss", PROVIDER.issuer());
		answer.put("sub", "root-agent");
		answer.put("act", Map.of("sub", "worker-agent"));
		answer.put("client_id", "root-agent");
		answer.put("scope", scope);
		answer.put("aud", List.of(audience));
		answer.put("exp", Instant.now().plusSeconds(600).getEpochSecond());
		answer.put("token_type", (jkt != null) ? "DPoP" : "Bearer");
		if (jkt != null) {
			answer.put("cnf", Map.of("jkt", jkt));
		}
		PROVIDER.introspection.put(token, answer);
		return token;
	}

	private String proof(String method, String path, String token) {
		return Proofs.proof(this.key, method, url(path), token);
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private HttpResponse<String> dpop(String method, String path, String token, String proof) {
		return send(method, path, Map.of("Authorization", "DPoP " + token, "DPoP", proof));
	}

	private HttpResponse<String> send(String method, String path, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
			.method(method, HttpRequest.BodyPublishers.noBody());
		headers.forEach(request::header);
		return send(request.build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertProofRefused(HttpResponse<String> response, String reason) {
		assertThat(response.statusCode()).as(reason + ": " + response.body()).isEqualTo(401);
		String challenge = response.headers().allValues("WWW-Authenticate").get(0);
		assertThat(challenge).as(reason).startsWith("DPoP error=\"invalid_dpop_proof\"").contains(reason);
		assertThat(JSON.readTree(response.body()).get("error").asString()).isEqualTo("invalid_dpop_proof");
	}

	private static void assertTokenRefused(HttpResponse<String> response, String scheme, String reason) {
		assertThat(response.statusCode()).as(reason + ": " + response.body()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).anySatisfy(
				(challenge) -> assertThat(challenge).startsWith(scheme + " error=\"invalid_token\"").contains(reason));
	}

}
