package dev.agentidp.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Checks once, before any load, that Keycloak answers every request as the measurement
 * expects (and fails with its error answer otherwise): a token with the scope
 * {@code crm:read}, signed with {@code --token-alg}, its introspection as active, its
 * revocation by the client with its own assertion, and its introspection as inactive
 * afterwards. When the revocation is refused, or the token stays active, the
 * revoked-token row is left out and the report says why.
 */
final class KeycloakPreflight {

	private KeycloakPreflight() {
	}

	/**
	 * Runs the checks with the first agent.
	 * @param requests Keycloak's requests
	 * @param tokenAlgorithm what the access tokens must be signed with
	 * @param log where the progress lines go
	 * @return {@code null} when revocation can be measured, else why not
	 */
	static String check(OAuthRequests requests, String tokenAlgorithm, ProgressLog log) throws Exception {
		var response = requests.issue(0);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Keycloak refused the client-credentials request with an Ed25519 "
					+ "private_key_jwt assertion: " + ProviderClient.failure(response));
		}
		String scope = ProviderClient.JSON.readTree(response.body()).path("scope").asString("");
		if (!Arrays.asList(scope.split(" ")).contains("crm:read")) {
			throw new IllegalStateException("the token was issued without the scope crm:read (scope: " + scope + ")");
		}
		String token = ProviderClient.accessToken(response.body());
		String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
				StandardCharsets.UTF_8);
		String alg = ProviderClient.JSON.readTree(header).path("alg").asString("");
		if (!alg.equals(tokenAlgorithm)) {
			throw new IllegalStateException(
					"Keycloak signed the access token " + alg + ", not " + tokenAlgorithm + " (--token-alg)");
		}
		var introspection = requests.introspect(token);
		if (introspection.statusCode() != 200 || !introspection.body().contains("\"active\":true")) {
			throw new IllegalStateException("introspection of a fresh token: HTTP " + introspection.statusCode() + " "
					+ ((introspection.statusCode() == 200) ? "not active" : ProviderClient.errorBody(introspection)));
		}
		String revocationUnavailable = null;
		var revocation = requests.revoke(0, token);
		if (revocation.statusCode() != 200) {
			revocationUnavailable = "Keycloak refused the revocation of an access token by its client: "
					+ ProviderClient.failure(revocation);
		}
		else {
			var after = requests.introspect(token);
			if (!OAuthRequests.inactive(after)) {
				revocationUnavailable = "after Keycloak accepted the revocation, introspection answered HTTP "
						+ after.statusCode() + " " + (after.body().contains("\"active\":true") ? "active" : "");
			}
		}
		if (revocationUnavailable != null) {
			log.line("revocation is not measured: %s", revocationUnavailable);
		}
		log.line("checked: issuance (scope %s, token signed %s), introspection%s", scope, alg,
				(revocationUnavailable == null) ? ", revocation and introspection of the revoked token" : "");
		return revocationUnavailable;
	}

}
