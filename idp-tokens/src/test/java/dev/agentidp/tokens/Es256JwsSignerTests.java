package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.Signature;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The BouncyCastle ES256 signer makes RFC 7518 §3.4 signatures that the JDK's verifier
 * accepts, and nothing else.
 */
class Es256JwsSignerTests {

	@Test
	void signWhenManyInputsThenEachVerifiesWithTheJdkAndFailsWhenAltered() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		Es256JwsSigner signer = new Es256JwsSigner(key.getD().decodeToBigInteger());
		Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
		for (int i = 0; i < 200; i++) {
			byte[] input = ("header.payload-" + i).getBytes(StandardCharsets.US_ASCII);
			byte[] signature = signer.sign(new JWSHeader(JWSAlgorithm.ES256), input).decode();
			// R || S, 32 bytes each, even when R or S has leading zero bytes
			assertThat(signature).hasSize(64);
			verifier.initVerify(key.toECPublicKey());
			verifier.update(input);
			assertThat(verifier.verify(signature)).as("input %d", i).isTrue();
			input[0] ^= 1;
			verifier.initVerify(key.toECPublicKey());
			verifier.update(input);
			assertThat(verifier.verify(signature)).isFalse();
		}
	}

	@Test
	void signWhenSameInputThenSameSignatureDeterministicNonce() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		Es256JwsSigner signer = new Es256JwsSigner(key.getD().decodeToBigInteger());
		byte[] input = "same".getBytes(StandardCharsets.US_ASCII);
		Base64URL first = signer.sign(new JWSHeader(JWSAlgorithm.ES256), input);
		assertThat(signer.sign(new JWSHeader(JWSAlgorithm.ES256), input)).isEqualTo(first);
	}

	@Test
	void signWhenAnotherAlgorithmThenRefused() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		Es256JwsSigner signer = new Es256JwsSigner(key.getD().decodeToBigInteger());
		assertThatExceptionOfType(JOSEException.class)
			.isThrownBy(() -> signer.sign(new JWSHeader(JWSAlgorithm.ES384), new byte[] { 1 }));
	}

}
