package dev.agentidp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Keycloak side of the comparison's preparation, through Keycloak's admin REST API
 * only: a token of the bootstrap admin (master realm, {@code admin-cli}, password grant),
 * a realm, a client scope {@code crm:read}, confidential clients that authenticate with
 * an Ed25519 {@code private_key_jwt} assertion (their public key given to Keycloak as a
 * JWKS), and a resource server client with a secret for introspection. Its own
 * {@link HttpClient}; answers of successful calls are never printed (they carry secrets),
 * only error answers are.
 */
final class KeycloakSetup {

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private final HttpClient http = ProviderClient.httpClient();

	private final SecureRandom random = new SecureRandom();

	private final String baseUrl;

	private final String realm;

	private final String username;

	private final String password;

	private String adminToken;

	private long adminTokenNanos;

	/**
	 * @param baseUrl Keycloak's base URL (on 127.0.0.1)
	 * @param realm the realm to create
	 * @param username the bootstrap admin
	 * @param password its password; never printed
	 */
	KeycloakSetup(String baseUrl, String realm, String username, String password) {
		if (!"127.0.0.1".equals(URI.create(baseUrl).getHost())) {
			throw new IllegalArgumentException("the benchmark only targets 127.0.0.1, not " + baseUrl);
		}
		this.baseUrl = baseUrl;
		this.realm = realm;
		this.username = username;
		this.password = password;
	}

	/**
	 * A token of the bootstrap admin, renewed when it is older than 30 s (admin-cli's
	 * tokens live 60 s).
	 */
	private synchronized String adminToken() throws IOException, InterruptedException {
		if (this.adminToken == null || System.nanoTime() - this.adminTokenNanos > 30_000_000_000L) {
			long now = System.nanoTime();
			HttpResponse<String> response = send(
					HttpRequest.newBuilder(URI.create(this.baseUrl + "/realms/master/protocol/openid-connect/token"))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString(ProviderClient.form(Map.of("grant_type", "password",
								"client_id", "admin-cli", "username", this.username, "password", this.password)))));
			this.adminToken = json(response, "admin token (master realm, admin-cli)").get("access_token").asString();
			this.adminTokenNanos = now;
		}
		return this.adminToken;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> admin(String method, String path, Object body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/admin" + path))
			.header("Authorization", "Bearer " + adminToken());
		if (body == null) {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		else {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(ProviderClient.JSON.writeValueAsString(body)));
		}
		return send(request);
	}

	private static JsonNode json(HttpResponse<String> response, String what) {
		return ProviderClient.json(ProviderClient.Answer.of(response), what);
	}

	private static void check(HttpResponse<String> response, String what) {
		ProviderClient.ok(ProviderClient.Answer.of(response), what);
	}

	/**
	 * Keycloak's version and the JDK it runs on, from {@code /admin/serverinfo}.
	 * @return e.g. {@code 26.5.6 on JDK 25.0.1 (Eclipse Adoptium)}
	 */
	String serverDescription() throws IOException, InterruptedException {
		JsonNode info = json(admin("GET", "/serverinfo", null), "server info").get("systemInfo");
		return info.get("version").asString() + " on JDK " + info.get("javaVersion").asString() + " ("
				+ info.get("javaVendor").asString() + ")";
	}

	/**
	 * Creates the realm (tokens live {@code lifespanSeconds} and are signed with
	 * {@code tokenAlgorithm}; Keycloak's defaults otherwise, e.g. events off) and the
	 * client scope {@code crm:read}, made a default optional scope of the realm so that
	 * every client created afterwards may ask for it.
	 * @param lifespanSeconds the access tokens' lifetime
	 * @param tokenAlgorithm {@code RS256} (Keycloak's default, with the RSA key a new
	 * realm generates) or {@code EdDSA} (an {@code eddsa-generated} Ed25519 key is added
	 * to the realm)
	 */
	void createRealm(int lifespanSeconds, String tokenAlgorithm) throws IOException, InterruptedException {
		ObjectNode realm = ProviderClient.JSON.createObjectNode();
		realm.put("realm", this.realm);
		realm.put("enabled", true);
		realm.put("accessTokenLifespan", lifespanSeconds);
		realm.put("defaultSignatureAlgorithm", tokenAlgorithm);
		check(admin("POST", "/realms", realm), "create realm " + this.realm);
		if ("EdDSA".equals(tokenAlgorithm)) {
			String realmId = json(admin("GET", "/realms/" + this.realm, null), "read realm").get("id").asString();
			ObjectNode key = ProviderClient.JSON.createObjectNode();
			key.put("name", "eddsa-generated");
			key.put("providerId", "eddsa-generated");
			key.put("providerType", "org.keycloak.keys.KeyProvider");
			key.put("parentId", realmId);
			ObjectNode config = key.putObject("config");
			config.putArray("priority").add("200");
			config.putArray("eddsaEllipticCurveKey").add("Ed25519");
			check(admin("POST", "/realms/" + this.realm + "/components", key), "add an Ed25519 realm key");
		}
		else if (!"RS256".equals(tokenAlgorithm)) {
			throw new IllegalArgumentException("--token-alg: RS256 or EdDSA, not " + tokenAlgorithm);
		}
		ObjectNode scope = ProviderClient.JSON.createObjectNode();
		scope.put("name", "crm:read");
		scope.put("protocol", "openid-connect");
		ObjectNode attributes = scope.putObject("attributes");
		attributes.put("include.in.token.scope", "true");
		attributes.put("display.on.consent.screen", "false");
		HttpResponse<String> created = admin("POST", "/realms/" + this.realm + "/client-scopes", scope);
		check(created, "create client scope crm:read");
		String location = created.headers()
			.firstValue("Location")
			.orElseThrow(() -> new IllegalStateException("no Location for the client scope crm:read"));
		String id = location.substring(location.lastIndexOf('/') + 1);
		check(admin("PUT", "/realms/" + this.realm + "/default-optional-client-scopes/" + id, null),
				"make crm:read a default optional client scope");
	}

	/**
	 * Creates a confidential client with service accounts that authenticates with an
	 * Ed25519 {@code private_key_jwt} assertion ({@code client-jwt}; its public key in
	 * the client's JWKS, {@code token.endpoint.auth.signing.alg} EdDSA), and answers its
	 * credentials.
	 * @param clientId the client id
	 * @return the client's id and key pair
	 */
	AgentCredentials createAgent(String clientId) throws IOException, InterruptedException {
		byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
		Ed25519.generatePrivateKey(this.random, seed);
		byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(seed, 0, publicKey, 0);
		String kid = clientId + "-key";
		ObjectNode jwks = ProviderClient.JSON.createObjectNode();
		ArrayNode keys = jwks.putArray("keys");
		keys.addObject()
			.put("kty", "OKP")
			.put("crv", "Ed25519")
			.put("x", B64.encodeToString(publicKey))
			.put("kid", kid)
			.put("alg", "EdDSA")
			.put("use", "sig");
		ObjectNode client = confidentialClient(clientId);
		client.put("serviceAccountsEnabled", true);
		client.put("clientAuthenticatorType", "client-jwt");
		ObjectNode attributes = client.putObject("attributes");
		attributes.put("use.jwks.url", "false");
		attributes.put("use.jwks.string", "true");
		attributes.put("jwks.string", ProviderClient.JSON.writeValueAsString(jwks));
		attributes.put("token.endpoint.auth.signing.alg", "EdDSA");
		check(admin("POST", "/realms/" + this.realm + "/clients", client), "create client " + clientId);
		return new AgentCredentials(clientId, kid, seed, publicKey);
	}

	/**
	 * Creates a confidential client authenticating with a generated secret, for
	 * introspection.
	 * @param clientId the client id
	 * @return its HTTP Basic {@code Authorization} value; never printed
	 */
	String createResourceServer(String clientId) throws IOException, InterruptedException {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		String secret = HexFormat.of().formatHex(bytes);
		ObjectNode client = confidentialClient(clientId);
		client.put("clientAuthenticatorType", "client-secret");
		client.put("secret", secret);
		check(admin("POST", "/realms/" + this.realm + "/clients", client), "create client " + clientId);
		return ProviderClient.basic(clientId, secret);
	}

	private static ObjectNode confidentialClient(String clientId) {
		ObjectNode client = ProviderClient.JSON.createObjectNode();
		client.put("clientId", clientId);
		client.put("enabled", true);
		client.put("protocol", "openid-connect");
		client.put("publicClient", false);
		client.put("standardFlowEnabled", false);
		client.put("implicitFlowEnabled", false);
		client.put("directAccessGrantsEnabled", false);
		return client;
	}

}
