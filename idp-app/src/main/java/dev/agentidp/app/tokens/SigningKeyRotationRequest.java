package dev.agentidp.app.tokens;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import jakarta.validation.constraints.Pattern;

/**
 * The body of {@code POST /admin/v1/signing-keys/rotate}: {@code {"algorithm": "EdDSA"}}
 * or {@code "ES256"}, all optional (the configured algorithm by default).
 *
 * @param algorithm the new key's algorithm, or {@code null}
 */
@AdminBody(notAnObject = "body: must be a JSON object such as {\"algorithm\": \"EdDSA\"}")
record SigningKeyRotationRequest(@Pattern(regexp = "EdDSA|ES256",
		message = "must be EdDSA or ES256") @WrongType("algorithm: must be EdDSA or ES256") String algorithm) {

	/**
	 * The algorithm of a body that may be left out.
	 * @param body the body, or {@code null}
	 * @return the algorithm, or {@code null}
	 */
	static String of(SigningKeyRotationRequest body) {
		return (body != null) ? body.algorithm() : null;
	}

}
