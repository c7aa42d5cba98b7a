/**
 * DPoP proofs (RFC 9449): verification of a proof against a request and, when one is
 * presented, its access token. Shared by the provider's token endpoint and the
 * resource-server kit; depends on Nimbus JOSE and BouncyCastle only. Also the ES256
 * verification both use ({@link dev.agentidp.dpop.Es256Verifier},
 * {@link dev.agentidp.dpop.P256}).
 */
package dev.agentidp.dpop;
