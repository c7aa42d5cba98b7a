package dev.agentidp.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs checkpoints as compact JWS (EdDSA, JDK Ed25519) with a key of its own, as the
 * application's signer does with the provider's key.
 */
final class TestCheckpointSigner implements CheckpointSigner {

	static final String ISSUER = "https://idp.test";

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private final KeyPair keys;

	TestCheckpointSigner() {
		try {
			this.keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String sign(Map<String, Object> claims) {
		Map<String, Object> payload = new LinkedHashMap<>(claims);
		payload.put("iss", ISSUER);
		String input = B64
			.encodeToString("{\"alg\":\"EdDSA\",\"typ\":\"checkpoint+jwt\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ B64.encodeToString(CanonicalJson.write(payload).getBytes(StandardCharsets.UTF_8));
		try {
			Signature signature = Signature.getInstance("Ed25519");
			signature.initSign(this.keys.getPrivate());
			signature.update(input.getBytes(StandardCharsets.US_ASCII));
			return input + "." + B64.encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public Map<String, Object> verify(String jws) {
		String[] parts = jws.split("\\.");
		if (parts.length != 3) {
			throw new IllegalArgumentException("not a compact JWS");
		}
		try {
			Signature signature = Signature.getInstance("Ed25519");
			signature.initVerify(this.keys.getPublic());
			signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
			if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
				throw new IllegalArgumentException("bad signature");
			}
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("bad signature", ex);
		}
		return (Map<String, Object>) Rfc8785VectorsTests
			.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
	}

}
