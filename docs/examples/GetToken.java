// Gets an agent's first access token: client credentials with private_key_jwt (RFC 7523).
//
// Usage: java -cp 'lib/*' GetToken.java ISSUER AGENT_JSON SCOPE
//   lib/        holding the jars of Nimbus JOSE+JWT (com.nimbusds:nimbus-jose-jwt:10.4) and
//               Google Tink (com.google.crypto.tink:tink:1.18.0), which Nimbus signs Ed25519 with
//   ISSUER      the provider's issuer URL, e.g. http://localhost:8080
//   AGENT_JSON  the agent's registration answer as saved (its "id" and "privateJwk")
//   SCOPE       the scopes to ask for, space-separated, e.g. "crm:read"
// Prints the token response JSON. Needs Java 21+.
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;
import java.util.stream.Collectors;

import com.nimbusds.jose.*;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.*;

public class GetToken {

	public static void main(String[] args) throws Exception {
		String issuer = args[0].replaceAll("/+$", "");
		Map<String, Object> agent = JSONObjectUtils.parse(Files.readString(Path.of(args[1])));
		String id = (String) agent.get("id");
		OctetKeyPair key = OctetKeyPair.parse(JSONObjectUtils.getJSONObject(agent, "privateJwk"));
		Instant now = Instant.now();
		SignedJWT assertion = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				new JWTClaimsSet.Builder().issuer(id).subject(id).audience(issuer).jwtID(UUID.randomUUID().toString())
					.issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).build());
		assertion.sign(new Ed25519Signer(key));
		Map<String, String> form = Map.of("grant_type", "client_credentials", "client_id", id,
				"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
				"client_assertion", assertion.serialize(), "scope", args[2]);
		String body = form.entrySet().stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		System.out.println(response.body());
		if (response.statusCode() != 200) {
			System.exit(1);
		}
	}

}
