package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Ed25519PublicKey}: a stored key is only decoded, a new one fully
 * validated, and both verify the same signatures.
 */
class Ed25519PublicKeyTests {

	@Test
	void storedKeyVerifiesWhatTheFullyValidatedKeyVerifies() {
		byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
		new SecureRandom().nextBytes(seed);
		byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(seed, 0, publicKey, 0);
		byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
		byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
		Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
		assertThat(Ed25519PublicKey.ofStored(publicKey).verify(signature, message)).isTrue();
		assertThat(new Ed25519PublicKey(publicKey).verify(signature, message)).isTrue();
		assertThat(Ed25519PublicKey.ofStored(publicKey)).isEqualTo(new Ed25519PublicKey(publicKey));
		signature[0] ^= 1;
		assertThat(Ed25519PublicKey.ofStored(publicKey).verify(signature, message)).isFalse();
	}

	@Test
	void ofStoredWhenBytesAreNoCurvePointThenIllegalArgument() {
		byte[] notAPoint = new byte[Ed25519.PUBLIC_KEY_SIZE];
		java.util.Arrays.fill(notAPoint, (byte) 0xff);
		notAPoint[31] = 0x7f; // y = 2^255 - 1, not below the field prime: no encoding
		assertThatIllegalArgumentException().isThrownBy(() -> Ed25519PublicKey.ofStored(notAPoint));
	}

	@Test
	void constructorWhenKeyIsOfSmallOrderThenIllegalArgument() {
		byte[] identity = new byte[Ed25519.PUBLIC_KEY_SIZE];
		identity[0] = 1; // the neutral element (0, 1): order 1
		assertThatIllegalArgumentException().isThrownBy(() -> new Ed25519PublicKey(identity));
	}

}
