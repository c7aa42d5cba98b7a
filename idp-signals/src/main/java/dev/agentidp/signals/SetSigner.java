package dev.agentidp.signals;

import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.tokens.SigningKeys;

import org.springframework.util.Assert;

/**
 * Signs Security Event Tokens (RFC 8417) with the provider's signing key, the one its
 * JWKS publishes: header {@code typ: secevent+jwt} (RFC 8417 §2.3) and {@code kid};
 * claims {@code iss}, {@code iat}, {@code jti}, {@code aud}, {@code txn} (the outbox
 * event, RFC 8417 §2.2), {@code sub_id} (SSF 1.0 §4.1.2) and {@code events} with exactly
 * one event (SSF 1.0 §4.1.1); no {@code exp} and no {@code sub} (RFC 8417 §2.2).
 */
final class SetSigner {

	static final JOSEObjectType SECEVENT = new JOSEObjectType("secevent+jwt");

	private final SigningKeys keys;

	SetSigner(SigningKeys keys) {
		Assert.notNull(keys, "keys cannot be null");
		this.keys = keys;
	}

	Signed sign(String issuer, String audience, String txn, SecurityEvents.SecurityEvent event, long issuedAt) {
		SigningKeys.ActiveKey key = this.keys.active();
		String jti = UUID.randomUUID().toString();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer)
			.issueTime(new Date(issuedAt * 1000))
			.jwtID(jti)
			.audience(audience)
			.claim("sub_id", event.subject())
			.claim("events", Map.of(event.type(), event.body()));
		if (txn != null) {
			claims.claim("txn", txn);
		}
		SignedJWT set = new SignedJWT(new JWSHeader.Builder(key.algorithm()).type(SECEVENT).keyID(key.kid()).build(),
				claims.build());
		try {
			set.sign(key.signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign a security event token", ex);
		}
		return new Signed(jti, set.serialize());
	}

	/**
	 * A signed SET.
	 *
	 * @param jti its jti
	 * @param compact its compact serialization
	 */
	record Signed(String jti, String compact) {
	}

}
