package dev.agentidp.tokens;

import java.math.BigInteger;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

import org.springframework.util.Assert;

/**
 * Signs JWS objects with ES256 (RFC 7518 §3.4: ECDSA over P-256 with SHA-256, the
 * signature as R || S, 32 bytes each) using BouncyCastle's P-256 arithmetic, with a
 * deterministic nonce (RFC 6979) so that no random source is on the hot path. Written by
 * hand because the JDK's signer, which Nimbus's {@code ECDSASigner} uses, took 140 µs per
 * signature here against 86 µs for this one (BENCHMARKS.md); verification stays on the
 * JDK, off the hot path.
 */
final class Es256JwsSigner implements JWSSigner {

	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256);

	private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");

	private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(),
			P256.getH());

	private static final int COORDINATE_BYTES = 32;

	private final ECPrivateKeyParameters privateKey;

	private final JCAContext jcaContext = new JCAContext();

	/**
	 * @param d the private scalar, as in the JWK's {@code d}
	 */
	Es256JwsSigner(BigInteger d) {
		Assert.isTrue(d != null && d.signum() > 0 && d.compareTo(P256.getN()) < 0, "d must be a P-256 private key");
		this.privateKey = new ECPrivateKeyParameters(d, DOMAIN);
	}

	@Override
	public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw new JOSEException("ES256 cannot sign " + header.getAlgorithm());
		}
		SHA256Digest sha256 = new SHA256Digest();
		sha256.update(signingInput, 0, signingInput.length);
		byte[] hash = new byte[sha256.getDigestSize()];
		sha256.doFinal(hash, 0);
		ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
		signer.init(true, this.privateKey);
		BigInteger[] rs = signer.generateSignature(hash);
		byte[] signature = new byte[2 * COORDINATE_BYTES];
		unsigned(rs[0], signature, 0);
		unsigned(rs[1], signature, COORDINATE_BYTES);
		return Base64URL.encode(signature);
	}

	/** Writes a value below the group order as 32 big-endian bytes (left-padded). */
	private static void unsigned(BigInteger value, byte[] target, int offset) {
		byte[] bytes = value.toByteArray();
		int start = (bytes.length > COORDINATE_BYTES) ? bytes.length - COORDINATE_BYTES : 0;
		int length = bytes.length - start;
		System.arraycopy(bytes, start, target, offset + COORDINATE_BYTES - length, length);
	}

	@Override
	public Set<JWSAlgorithm> supportedJWSAlgorithms() {
		return ALGORITHMS;
	}

	@Override
	public JCAContext getJCAContext() {
		return this.jcaContext;
	}

}
