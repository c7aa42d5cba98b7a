package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.ClientKind;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.savedrequest.RequestCacheAwareFilter;
import org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization server skeleton end to end, over HTTP, on a real PostgreSQL:
 * metadata, JWKS, the bootstrap admin client, the admin API's 401/403/200 and the error
 * formats.
 */
class AuthorizationServerIntegrationTests extends ProviderIntegrationTestSupport {

	@Autowired
	@Qualifier("authorizationServerChain")
	SecurityFilterChain authorizationServerChain;

	@Autowired
	@Qualifier("springSecurityFilterChain")
	Filter springSecurityFilterChain;

	@Test
	void theOAuthEndpointsRunWithoutBrowserSessionFiltersOrSecurityObservations() {
		// each of these costs CPU on every OAuth call and has nothing to do there
		// (SecurityConfiguration; BENCHMARKS.md)
		assertThat(this.authorizationServerChain.getFilters()).extracting(Object::getClass)
			.isNotEmpty()
			.doesNotContain(CsrfFilter.class, LogoutFilter.class, RequestCacheAwareFilter.class,
					AnonymousAuthenticationFilter.class, SecurityContextHolderAwareRequestFilter.class);
		assertThat(this.springSecurityFilterChain).isInstanceOf(FilterChainProxy.class);
		assertThat(ReflectionTestUtils.getField(this.springSecurityFilterChain, "filterChainDecorator"))
			.isNotInstanceOf(ObservationFilterChainDecorator.class);
	}

	@Test
	void contextStartsAndMigrates() {
		long migrations = this.jdbc.sql("SELECT count(*) FROM flyway_schema_history WHERE success")
			.query(Long.class)
			.single();
		assertThat(migrations).isGreaterThanOrEqualTo(1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM signing_key WHERE status = 'active'").query(Long.class).single())
			.isEqualTo(1);
	}

	@Test
	void metadataListsTheEndpointsGrantsAndAlgorithms() {
		HttpResponse<String> response = http().get("/.well-known/oauth-authorization-server", null);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode metadata = TestHttp.json(response);
		String base = http().baseUrl();
		assertThat(metadata.get("issuer").asString()).isEqualTo(base);
		assertThat(metadata.get("token_endpoint").asString()).isEqualTo(base + "/oauth2/token");
		assertThat(metadata.get("jwks_uri").asString()).isEqualTo(base + "/oauth2/jwks");
		assertThat(metadata.get("introspection_endpoint").asString()).isEqualTo(base + "/oauth2/introspect");
		assertThat(metadata.get("revocation_endpoint").asString()).isEqualTo(base + "/oauth2/revoke");
		assertThat(strings(metadata.get("grant_types_supported"))).containsExactlyInAnyOrder("client_credentials",
				"urn:ietf:params:oauth:grant-type:token-exchange", "urn:openid:params:grant-type:ciba");
		// OpenID CIBA Core 1.0 §4 (issue 19)
		assertThat(metadata.get("backchannel_authentication_endpoint").asString())
			.isEqualTo(base + "/oauth2/bc-authorize");
		assertThat(strings(metadata.get("token_endpoint_auth_methods_supported")))
			.containsExactlyInAnyOrder("private_key_jwt", "client_secret_basic");
		assertThat(strings(metadata.get("token_endpoint_auth_signing_alg_values_supported")))
			.containsExactlyInAnyOrder("EdDSA", "Ed25519", "ES256");
		// RFC 9449 §5.1
		assertThat(strings(metadata.get("dpop_signing_alg_values_supported"))).containsExactly("ES256", "Ed25519",
				"EdDSA");
		// no client can use the authorization endpoint: advertise nothing of it
		assertThat(metadata.has("authorization_endpoint")).isFalse();
		assertThat(metadata.has("response_types_supported")).isFalse();
		assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(response.body().length());
	}

	@Test
	void jwksServesThePublicSigningKeyOnly() {
		JsonNode jwks = TestHttp.json(http().get("/oauth2/jwks", null));
		assertThat(jwks.get("keys").size()).isEqualTo(1);
		JsonNode key = jwks.get("keys").get(0);
		// ES256 by default: what Spring Boot's resource server and the mainstream JWT
		// libraries verify without configuration
		assertThat(key.get("kty").asString()).isEqualTo("EC");
		assertThat(key.get("crv").asString()).isEqualTo("P-256");
		assertThat(key.get("alg").asString()).isEqualTo("ES256");
		assertThat(key.has("d")).isFalse();
		assertThat(key.get("kid").asString()).isNotBlank();
	}

	@Test
	void adminTokenIsASignedRfc9068JwtThatVerifiesWithTheJwks() throws Exception {
		HttpResponse<String> response = http().postForm("/oauth2/token", "idp-admin", ADMIN_SECRET,
				Map.of("grant_type", "client_credentials", "scope", "idp:admin"));
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = TestHttp.json(response);
		assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(body.get("scope").asString()).isEqualTo("idp:admin");
		assertThat(body.get("expires_in").asInt()).isBetween(1, 900);
		String token = body.get("access_token").asString();
		String[] parts = token.split("\\.");
		JsonNode header = TestHttp.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
		JsonNode claims = TestHttp.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
		assertThat(header.get("typ").asString()).isEqualTo("at+jwt");
		assertThat(header.get("alg").asString()).isEqualTo("ES256");
		assertThat(claims.get("client_id").asString()).isEqualTo("idp-admin");
		assertThat(claims.get("sub").asString()).isEqualTo("idp-admin");
		assertThat(claims.get("scope").asString()).isEqualTo("idp:admin");
		assertThat(claims.get("iss").asString()).isEqualTo(http().baseUrl());
		assertThat(claims.get("jti").asString()).isNotBlank();
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
		// verify the signature independently of the provider's code, with the JWKS key
		JsonNode jwk = TestHttp.json(http().get("/oauth2/jwks", null)).get("keys").get(0);
		assertThat(header.get("kid").asString()).isEqualTo(jwk.get("kid").asString());
		java.security.PublicKey publicKey = com.nimbusds.jose.jwk.ECKey.parse(jwk.toString()).toECPublicKey();
		byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
		byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
		// RFC 7518 §3.4: ES256 signatures are R || S, the JDK's P1363 format
		java.security.Signature es256 = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
		es256.initVerify(publicKey);
		es256.update(signingInput);
		assertThat(es256.verify(signature)).isTrue();
		signingInput[signingInput.length - 1] ^= 1;
		es256.initVerify(publicKey);
		es256.update(signingInput);
		assertThat(es256.verify(signature)).isFalse();
		// and the token store has its row, keyed by jti
		assertThat(this.jdbc.sql("SELECT client_id FROM issued_token WHERE jti = ?")
			.param(claims.get("jti").asString())
			.query(String.class)
			.single()).isEqualTo("idp-admin");
	}

	@Test
	void wrongSecretIsInvalidClientWith401() {
		HttpResponse<String> response = http().postForm("/oauth2/token", "idp-admin", ADMIN_SECRET + "x",
				Map.of("grant_type", "client_credentials", "scope", "idp:admin"));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("invalid_client");
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
	}

	@Test
	void unknownClientAndMissingCredentialsAreInvalidClient() {
		HttpResponse<String> unknown = http().postForm("/oauth2/token", "nobody", "whatever",
				Map.of("grant_type", "client_credentials"));
		assertThat(unknown.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(unknown).get("error").asString()).isEqualTo("invalid_client");
		HttpResponse<String> anonymous = http().postForm("/oauth2/token", null, null,
				Map.of("grant_type", "client_credentials"));
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
		assertThat(TestHttp.json(anonymous).get("error").asString()).isEqualTo("invalid_client");
	}

	@Test
	void unknownGrantTypeIsUnsupportedGrantType() {
		HttpResponse<String> response = http().postForm("/oauth2/token", "idp-admin", ADMIN_SECRET,
				Map.of("grant_type", "password", "username", "a", "password", "b"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("unsupported_grant_type");
	}

	@Test
	void malformedTokenRequestsGetRfc6749ErrorsNeverA5xx() {
		HttpResponse<String> json = http().post("/oauth2/token", "idp-admin", ADMIN_SECRET, "application/json",
				"{\"grant_type\":\"client_credentials\"}");
		assertThat(json.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(json).get("error").asString()).isEqualTo("invalid_request");
		HttpResponse<String> garbage = http().post("/oauth2/token", "idp-admin", ADMIN_SECRET,
				"application/x-www-form-urlencoded", "%%%&&&===");
		assertThat(garbage.statusCode()).isBetween(400, 499);
		assertThat(garbage.body()).doesNotContain("Exception");
		HttpResponse<String> scope = http().postForm("/oauth2/token", "idp-admin", ADMIN_SECRET,
				Map.of("grant_type", "client_credentials", "scope", "idp:root"));
		assertThat(scope.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(scope).get("error").asString()).isEqualTo("invalid_scope");
	}

	@Test
	void adminApiWithoutTokenIs401ProblemJson() {
		HttpResponse<String> response = http().get("/admin/v1/whoami", null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = TestHttp.json(response);
		assertThat(problem.get("status").asInt()).isEqualTo(401);
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
	}

	@Test
	void adminApiWithAGarbageOrForeignTokenIs401ProblemJson() {
		HttpResponse<String> garbage = http().get("/admin/v1/whoami", "not.a.jwt");
		assertThat(garbage.statusCode()).isEqualTo(401);
		assertThat(garbage.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		// alg none with the admin's claims must never pass
		String none = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8))
				+ "."
				+ Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(
							"{\"sub\":\"idp-admin\",\"client_id\":\"idp-admin\",\"scope\":\"idp:admin\",\"exp\":4102444800}"
								.getBytes(StandardCharsets.UTF_8))
				+ ".";
		assertThat(http().get("/admin/v1/whoami", none).statusCode()).isEqualTo(401);
	}

	@Test
	void adminApiWithoutIdpAdminScopeIs403ProblemJson() {
		String secret = "reader-secret-0123456789-abcdefghijklmnopqrstu";
		// a client of its own: AuditApiTests' audit-reader shares this context
		if (this.clients.findClient("whoami-reader").isEmpty()) {
			this.clients.registerWithSecret("whoami-reader", "Audit reader", ClientKind.ADMIN, secret,
					Set.of("idp:audit:read"));
		}
		String token = http().token("whoami-reader", secret, "idp:audit:read");
		HttpResponse<String> response = http().get("/admin/v1/whoami", token);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(TestHttp.json(response).get("status").asInt()).isEqualTo(403);
	}

	@Test
	void adminApiWithIdpAdminAnswersWhoAmI() {
		String token = http().token("idp-admin", ADMIN_SECRET, "idp:admin");
		HttpResponse<String> response = http().get("/admin/v1/whoami", token);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = TestHttp.json(response);
		assertThat(body.get("clientId").asString()).isEqualTo("idp-admin");
		assertThat(strings(body.get("scopes"))).containsExactly("idp:admin");
	}

	@Test
	void revokedAdminTokenStopsWorkingOnTheAdminApiAtOnce() {
		String token = http().token("idp-admin", ADMIN_SECRET, "idp:admin");
		assertThat(http().get("/admin/v1/whoami", token).statusCode()).isEqualTo(200);
		HttpResponse<String> revoke = http().postForm("/oauth2/revoke", "idp-admin", ADMIN_SECRET,
				Map.of("token", token));
		assertThat(revoke.statusCode()).isEqualTo(200);
		HttpResponse<String> after = http().get("/admin/v1/whoami", token);
		assertThat(after.statusCode()).isEqualTo(401);
		assertThat(after.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void unknownPathsAre404ProblemJsonNotHtml() {
		HttpResponse<String> response = http().get("/nothing/here", null);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).doesNotContain("<html");
		assertThat(http().get("/actuator/env", null).statusCode()).isEqualTo(404);
	}

	/**
	 * RFC 9457 §3.1: the same members in every problem document, whoever writes it (the
	 * security chains, our exception handlers, Spring MVC's own).
	 */
	@Test
	void everyProblemDocumentHasTypeTitleStatusDetailAndInstance() {
		String admin = http().token("idp-admin", ADMIN_SECRET, "idp:admin");
		Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
		answers.put("security chain, no token", http().get("/admin/v1/agents", null));
		answers.put("default chain", http().get("/nothing/here", null));
		answers.put("our handler, unknown agent",
				http().get("/admin/v1/agents/00000000-0000-0000-0000-000000000000", admin));
		answers.put("Spring, bad path variable", http().get("/admin/v1/agents/not-a-uuid", admin));
		answers.put("Spring, no such resource", http().get("/admin/v1/nothing", admin));
		answers.put("Spring, method not allowed", http().send("DELETE", "/admin/v1/agents", admin, null, null));
		answers.put("Spring, media type", http().send("POST", "/admin/v1/agents", admin, "text/plain", "x"));
		answers.forEach((what, response) -> {
			assertThat(response.headers().firstValue("Content-Type")).as(what)
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			JsonNode problem = TestHttp.json(response);
			assertThat(problem.propertyNames()).as(what + ": " + response.body())
				.contains("type", "title", "status", "detail", "instance");
			assertThat(problem.get("status").asInt()).as(what).isEqualTo(response.statusCode());
			assertThat(problem.get("instance").asString()).as(what).startsWith("/");
		});
	}

	@Test
	void healthIncludesTheDatabaseAndPrometheusIsServed() {
		HttpResponse<String> health = http().get("/actuator/health", null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(TestHttp.json(health).get("status").asString()).isEqualTo("UP");
		assertThat(TestHttp.json(health).get("components").get("db").get("status").asString()).isEqualTo("UP");
		assertThat(http().get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		HttpResponse<String> prometheus = http().get("/actuator/prometheus", null);
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("hikaricp_connections");
	}

	private static java.util.List<String> strings(JsonNode array) {
		java.util.List<String> values = new java.util.ArrayList<>();
		array.forEach((node) -> values.add(node.asString()));
		return values;
	}

}
