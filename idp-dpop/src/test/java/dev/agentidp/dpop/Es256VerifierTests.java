package dev.agentidp.dpop;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link Es256Verifier} answers what Nimbus's JDK-backed {@code ECDSAVerifier}, which it
 * replaces, answers: for valid signatures, for every single-byte change of signature,
 * header or payload, and for the signatures RFC 7518 §3.4 and SEC 1 §4.1.4 rule out; and
 * it refuses keys that are not P-256 points.
 */
class Es256VerifierTests {

	/** The order of P-256's base point (SEC 2 §2.4.2). */
	private static final BigInteger N = new BigInteger(
			"FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

	private final Random random = new Random(22);

	@Test
	void verifiesWhatTheJdkSigned() throws Exception {
		for (int i = 0; i < 50; i++) {
			ECKey key = new ECKeyGenerator(Curve.P_256).generate();
			JWSObject jws = signed(key, "{\"n\":" + i + "}");
			assertThat(jws.verify(new Es256Verifier(key.toECPublicKey()))).isTrue();
		}
	}

	@Test
	void answersAsNimbusForEverySingleByteChange() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		Es256Verifier ours = new Es256Verifier(key.toECPublicKey());
		ECDSAVerifier nimbus = new ECDSAVerifier(key.toECPublicKey());
		JWSObject jws = signed(key, "{\"sub\":\"agent\",\"scope\":\"github:create_pr\"}");
		byte[] input = jws.getSigningInput();
		byte[] signature = jws.getSignature().decode();
		int refused = 0;
		for (int i = 0; i < signature.length; i++) {
			byte[] changed = signature.clone();
			changed[i] ^= (byte) (1 << this.random.nextInt(8));
			boolean expected = nimbus.verify(jws.getHeader(), input, Base64URL.encode(changed));
			assertThat(ours.verify(jws.getHeader(), input, Base64URL.encode(changed))).as("signature byte %d", i)
				.isEqualTo(expected);
			refused += expected ? 0 : 1;
		}
		for (int i = 0; i < input.length; i++) {
			byte[] changed = input.clone();
			changed[i] ^= (byte) (1 << this.random.nextInt(8));
			boolean expected = nimbus.verify(jws.getHeader(), changed, jws.getSignature());
			assertThat(ours.verify(jws.getHeader(), changed, jws.getSignature())).as("signing input byte %d", i)
				.isEqualTo(expected);
			refused += expected ? 0 : 1;
		}
		assertThat(refused).as("every change refused").isEqualTo(signature.length + input.length);
	}

	@Test
	void refusesTheSignaturesRfc7518AndSec1RuleOut() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		Es256Verifier ours = new Es256Verifier(key.toECPublicKey());
		ECDSAVerifier nimbus = new ECDSAVerifier(key.toECPublicKey());
		JWSObject jws = signed(key, "{}");
		byte[] input = jws.getSigningInput();
		byte[] signature = jws.getSignature().decode();
		BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
		BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
		byte[][] invalid = { new byte[64], // r = s = 0: CVE-2022-21449
				concat(BigInteger.ZERO, s), concat(r, BigInteger.ZERO), concat(r.add(N), s), concat(r, s.add(N)),
				concat(N, s), concat(r, N), Arrays.copyOf(signature, 63), Arrays.copyOf(signature, 65),
				Arrays.copyOf(signature, 96), new byte[0] };
		for (byte[] candidate : invalid) {
			assertThat(ours.verify(jws.getHeader(), input, Base64URL.encode(candidate)))
				.as("%d bytes %s", candidate.length, Base64URL.encode(candidate))
				.isFalse()
				.isEqualTo(nimbus.verify(jws.getHeader(), input, Base64URL.encode(candidate)));
		}
		// the other valid signature of the same message, (r, n - s): ECDSA's
		// malleability,
		// accepted by the JDK and so by this verifier
		byte[] mirrored = concat(r, N.subtract(s));
		assertThat(ours.verify(jws.getHeader(), input, Base64URL.encode(mirrored)))
			.isEqualTo(nimbus.verify(jws.getHeader(), input, Base64URL.encode(mirrored)));
	}

	@Test
	void refusesAnotherAlgorithmOrACriticalHeader() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		Es256Verifier ours = new Es256Verifier(key.toECPublicKey());
		JWSObject jws = signed(key, "{}");
		JWSHeader es384 = new JWSHeader.Builder(JWSAlgorithm.ES384).build();
		assertThat(ours.verify(es384, jws.getSigningInput(), jws.getSignature())).isFalse();
		JWSHeader critical = new JWSHeader.Builder(JWSAlgorithm.ES256).criticalParams(Set.of("exp"))
			.customParam("exp", 1)
			.build();
		JWSObject withCrit = new JWSObject(critical, new Payload("{}"));
		withCrit.sign(new ECDSASigner(key));
		assertThat(withCrit.verify(ours)).isFalse().isEqualTo(withCrit.verify(new ECDSAVerifier(key.toECPublicKey())));
		assertThat(ours.supportedJWSAlgorithms()).containsExactly(JWSAlgorithm.ES256);
	}

	@Test
	void refusesAKeyOfAnotherCurveOrOffP256() throws Exception {
		ECPublicKey p384 = new ECKeyGenerator(Curve.P_384).generate().toECPublicKey();
		assertThatExceptionOfType(JOSEException.class).isThrownBy(() -> new Es256Verifier(p384))
			.withMessage("ES256 needs a P-256 key");
		ECPublicKey p256 = new ECKeyGenerator(Curve.P_256).generate().toECPublicKey();
		ECPoint w = p256.getW();
		ECPublicKey offCurve = key(new ECPoint(w.getAffineX(), w.getAffineY().add(BigInteger.ONE)), p256.getParams());
		assertThatExceptionOfType(JOSEException.class).isThrownBy(() -> new Es256Verifier(offCurve))
			.withMessage("The key is not a point on P-256");
		BigInteger p = new BigInteger("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", 16);
		ECPublicKey outsideTheField = key(new ECPoint(w.getAffineX().add(p), w.getAffineY()), p256.getParams());
		assertThatExceptionOfType(JOSEException.class).isThrownBy(() -> new Es256Verifier(outsideTheField))
			.withMessage("The key is not a point on P-256");
		assertThatExceptionOfType(JOSEException.class).isThrownBy(() -> new Es256Verifier(null));
	}

	private static JWSObject signed(ECKey key, String payload) throws JOSEException {
		JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
				new Payload(payload));
		jws.sign(new ECDSASigner(key));
		return jws;
	}

	private static byte[] concat(BigInteger r, BigInteger s) {
		byte[] out = new byte[64];
		put(r, out, 0);
		put(s, out, 32);
		return out;
	}

	private static void put(BigInteger value, byte[] target, int offset) {
		byte[] bytes = value.toByteArray();
		int start = Math.max(0, bytes.length - 32);
		int length = bytes.length - start;
		System.arraycopy(bytes, start, target, offset + 32 - length, length);
	}

	/** A public key the JDK would not make: any point, any parameters. */
	private static ECPublicKey key(ECPoint point, ECParameterSpec params) {
		return new ECPublicKey() {

			@Override
			public ECPoint getW() {
				return point;
			}

			@Override
			public String getAlgorithm() {
				return "EC";
			}

			@Override
			public String getFormat() {
				return "X.509";
			}

			@Override
			public byte[] getEncoded() {
				return new byte[0];
			}

			@Override
			public ECParameterSpec getParams() {
				return params;
			}

		};
	}

}
