package dev.agentidp.tokens;

import java.text.ParseException;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentKey;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * Which of an agent's keys authenticated a token request (issue 14, item 18), recorded
 * with the token so that withdrawing the key can revoke what was obtained with it. The
 * client assertion ({@code private_key_jwt}, RFC 7523 §2.2) has already been verified:
 * with a {@code kid} only the key of that id was tried, so the {@code kid} is the answer;
 * without one, every usable key of the right type was tried, and the one whose signature
 * verifies is found again here (rare: stock clients send a {@code kid}).
 */
public final class AuthenticatingKey {

	private static final StrictJoseVerifiers VERIFIERS = new StrictJoseVerifiers();

	private AuthenticatingKey() {
	}

	/**
	 * The kid of the agent's key that signed the verified client assertion.
	 * @param client the authenticated client
	 * @param agent the agent it is
	 * @param now the time the assertion was verified at
	 * @return the kid, or {@code null} when the client did not authenticate with a key
	 */
	public static String of(OAuth2ClientAuthenticationToken client, Agent agent, Instant now) {
		if (!(client.getCredentials() instanceof Jwt assertion)) {
			return null;
		}
		// a workload identity's token (docs/workload-identity.md) was signed by its
		// issuer, with none of the agent's keys
		if (!client.getRegisteredClient().getClientId().equals(assertion.getClaimAsString("iss"))) {
			return null;
		}
		if (assertion.getHeaders().get("kid") instanceof String kid) {
			return kid;
		}
		List<AgentKey> keys = agent.usableKeys(now);
		if (keys.size() == 1) {
			return keys.get(0).kid();
		}
		try {
			SignedJWT jws = SignedJWT.parse(assertion.getTokenValue());
			for (AgentKey key : keys) {
				JWSVerifier verifier = VERIFIERS.createJWSVerifier(jws.getHeader(),
						SigningKeyMaterial.toPublicKey(key.jwk()));
				if (verifier.verify(jws.getHeader(), jws.getSigningInput(), jws.getSignature())) {
					return key.kid();
				}
			}
		}
		catch (ParseException | JOSEException ex) {
			// verified moments ago: cannot happen; fall through to "unknown"
		}
		return null;
	}

}
