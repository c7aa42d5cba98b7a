package dev.agentidp.audit;

import java.util.Map;

/**
 * Signs and verifies checkpoints with the provider's key. The audit module depends on no
 * other module (CONTRIBUTING.md "Where things live"), so the application supplies the
 * implementation (over the token module's signing keys, published in
 * {@code /oauth2/jwks}). Without a bean of this type no checkpoints are made and verify
 * checks none.
 */
public interface CheckpointSigner {

	/**
	 * Signs a checkpoint.
	 * @param claims the payload: {@code iat} (epoch seconds, a {@link Long}) and
	 * {@code heads}; the signer adds {@code iss}
	 * @return the compact JWS
	 */
	String sign(Map<String, Object> claims);

	/**
	 * Verifies a checkpoint's signature with the key its header names.
	 * @param jws the compact JWS
	 * @return its payload; numbers as {@link Long} or {@link Double}
	 * @throws IllegalArgumentException when the JWS is malformed, signed by an unknown
	 * key, or the signature does not verify
	 */
	Map<String, Object> verify(String jws);

}
