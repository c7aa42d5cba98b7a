package dev.agentidp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.agentidp.dpop.Es256Verifier;
import dev.agentidp.dpop.P256;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The crypto floor of the hot paths on this machine ({@code bench/crypto}, issue 22): the
 * CPU time of one signature or verification, measured on one thread with
 * {@link ThreadMXBean#getCurrentThreadCpuTime()} (so a preempted thread is not charged),
 * for each primitive the provider runs on a request and for the JDK's implementation it
 * replaced. A client-credentials issuance verifies one Ed25519 assertion and signs one
 * ES256 token; a DPoP issuance verifies one proof more (Ed25519 or, with most clients,
 * ES256). The figures say how much of a request's server CPU no code change can remove on
 * the machine measured. A benchmark, not a test.
 */
public final class CryptoFloor {

	private static final int WARM_UP = 3_000;

	private static final int ROUNDS = 5;

	private static final int PER_ROUND = 2_000;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private CryptoFloor() {
	}

	/** An operation measured. */
	@FunctionalInterface
	private interface Operation {

		void run() throws Exception;

	}

	/**
	 * Runs every measurement and prints a Markdown table.
	 * @param args none
	 * @throws Exception if a primitive fails
	 */
	public static void main(String[] args) throws Exception {
		SecureRandom random = new SecureRandom();
		// about the size of the provider's token and assertion signing inputs
		byte[] input = new byte[420];
		random.nextBytes(input);

		byte[] edPrivate = new byte[Ed25519.SECRET_KEY_SIZE];
		random.nextBytes(edPrivate);
		byte[] edPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(edPrivate, 0, edPublic, 0);
		byte[] edSignature = new byte[Ed25519.SIGNATURE_SIZE];
		Ed25519.sign(edPrivate, 0, input, 0, input.length, edSignature, 0);

		KeyPair jdkEd = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		Signature jdkEdSigner = Signature.getInstance("Ed25519");
		jdkEdSigner.initSign(jdkEd.getPrivate());
		jdkEdSigner.update(input);
		byte[] jdkEdSignature = jdkEdSigner.sign();

		ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
		JWSHeader es256 = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build();
		JWSObject token = new JWSObject(es256, new Payload(new String(input, StandardCharsets.ISO_8859_1)));
		ECDSASigner jdkEcSigner = new ECDSASigner(ec);
		token.sign(jdkEcSigner);
		Es256Verifier bcEcVerifier = new Es256Verifier(ec.toECPublicKey());
		ECDSAVerifier jdkEcVerifier = new ECDSAVerifier(ec.toECPublicKey());
		ECPrivateKeyParameters bcEcPrivate = new ECPrivateKeyParameters(ec.getD().decodeToBigInteger(), P256.DOMAIN);
		byte[] tokenInput = token.getSigningInput();

		List<String[]> rows = new ArrayList<>();
		rows.add(row("Ed25519 verify, BouncyCastle", "the client assertion; an Ed25519 DPoP proof", () -> {
			if (!Ed25519.verify(edSignature, 0, edPublic, 0, input, 0, input.length)) {
				throw new IllegalStateException("Ed25519 verify failed");
			}
		}));
		rows.add(row("Ed25519 verify, JDK", "(not used)", () -> {
			Signature verifier = Signature.getInstance("Ed25519");
			verifier.initVerify(jdkEd.getPublic());
			verifier.update(input);
			if (!verifier.verify(jdkEdSignature)) {
				throw new IllegalStateException("Ed25519 verify failed");
			}
		}));
		rows.add(
				row("ES256 sign, BouncyCastle, RFC 6979 nonce", "the access token (Es256JwsSigner's primitive)", () -> {
					byte[] hash = P256.sha256(tokenInput);
					org.bouncycastle.crypto.signers.ECDSASigner signer = new org.bouncycastle.crypto.signers.ECDSASigner(
							new HMacDSAKCalculator(new SHA256Digest()));
					signer.init(true, bcEcPrivate);
					BigInteger[] rs = signer.generateSignature(hash);
					if (rs[0].signum() <= 0) {
						throw new IllegalStateException("ES256 sign failed");
					}
				}));
		rows.add(row("ES256 sign, JDK (Nimbus ECDSASigner)", "(not used since issue 13's benchmark)",
				() -> jdkEcSigner.sign(es256, tokenInput)));
		rows.add(row("ES256 verify, BouncyCastle (Es256Verifier)",
				"(one verifier kept for one key: no path does this yet)", () -> {
					if (!bcEcVerifier.verify(es256, tokenInput, token.getSignature())) {
						throw new IllegalStateException("ES256 verify failed");
					}
				}));
		rows.add(row("ES256 verify, JDK (Nimbus ECDSAVerifier)", "(used for ES256 until the twelfth session)", () -> {
			if (!jdkEcVerifier.verify(es256, tokenInput, token.getSignature())) {
				throw new IllegalStateException("ES256 verify failed");
			}
		}));
		// a DPoP proof carries its key: each request parses it and verifies with a key
		// object never used before (BouncyCastle's per-point precomputation is not
		// reused)
		String jwk = ec.toPublicJWK().toJSONString();
		rows.add(row("ES256 verify, BouncyCastle, the key parsed from a JWK each time",
				"every ES256 verification: a DPoP proof (its jwk), a client assertion, a workload token, an attestation, the kit's local check",
				() -> {
					if (!new Es256Verifier(ECKey.parse(jwk).toECPublicKey()).verify(es256, tokenInput,
							token.getSignature())) {
						throw new IllegalStateException("ES256 verify failed");
					}
				}));
		rows.add(row("ES256 verify, JDK, the key parsed from a JWK each time", "(until the twelfth session)", () -> {
			if (!new ECDSAVerifier(ECKey.parse(jwk).toECPublicKey()).verify(es256, tokenInput, token.getSignature())) {
				throw new IllegalStateException("ES256 verify failed");
			}
		}));

		System.out.println("| primitive | where the provider runs it | CPU per operation: median (min–max) of " + ROUNDS
				+ " rounds of " + PER_ROUND + " |");
		System.out.println("|---|---|---|");
		for (String[] row : rows) {
			System.out.println("| " + String.join(" | ", row) + " |");
		}
		System.out.println();
		System.out.println("One thread, after " + WARM_UP + " operations of warm-up; CPU time of the measuring thread; "
				+ Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " processors.");
	}

	private static String[] row(String primitive, String where, Operation operation) throws Exception {
		for (int i = 0; i < WARM_UP; i++) {
			operation.run();
		}
		double[] perOperation = new double[ROUNDS];
		for (int round = 0; round < ROUNDS; round++) {
			long start = THREADS.getCurrentThreadCpuTime();
			for (int i = 0; i < PER_ROUND; i++) {
				operation.run();
			}
			perOperation[round] = (THREADS.getCurrentThreadCpuTime() - start) / 1_000.0 / PER_ROUND;
		}
		Arrays.sort(perOperation);
		String figure = String.format("%,.0f µs (%,.0f–%,.0f)", perOperation[ROUNDS / 2], perOperation[0],
				perOperation[ROUNDS - 1]);
		System.err.println("bench/crypto: " + primitive + ": " + figure);
		return new String[] { primitive, where, figure };
	}

}
