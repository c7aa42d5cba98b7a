package dev.agentidp.dpop;

import java.time.Instant;

import com.nimbusds.jose.jwk.JWK;

/**
 * A verified DPoP proof (RFC 9449 §4).
 *
 * @param jkt the RFC 7638 thumbprint of its key: what a bound token's {@code cnf.jkt}
 * holds (RFC 9449 §6.1)
 * @param jwk its public key
 * @param jti its id, now used
 * @param issuedAt its {@code iat}
 */
public record DpopProof(String jkt, JWK jwk, String jti, Instant issuedAt) {
}
