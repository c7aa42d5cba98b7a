package dev.agentidp.tokens;

import java.math.BigInteger;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.agentidp.dpop.P256;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

import org.springframework.util.Assert;

/**
 * Signs JWS objects with ES256 (RFC 7518 §3.4: ECDSA over P-256 with SHA-256, the
 * signature as R || S, 32 bytes each) using BouncyCastle's P-256 arithmetic, with a
 * deterministic nonce (RFC 6979) so that no random source is on the hot path. Written by
 * hand because the JDK's signer, which Nimbus's {@code ECDSASigner} uses, took 140 µs per
 * signature here against 86 µs for this one (BENCHMARKS.md); ES256 verification is
 * BouncyCastle's too ({@code dev.agentidp.dpop.Es256Verifier}).
 */
final class Es256JwsSigner implements JWSSigner {

	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256);

	private final ECPrivateKeyParameters privateKey;

	private final JCAContext jcaContext = new JCAContext();

	/**
	 * @param d the private scalar, as in the JWK's {@code d}
	 */
	Es256JwsSigner(BigInteger d) {
		Assert.isTrue(d != null && d.signum() > 0 && d.compareTo(P256.CURVE.getN()) < 0,
				"d must be a P-256 private key");
		this.privateKey = new ECPrivateKeyParameters(d, P256.DOMAIN);
	}

	@Override
	public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw new JOSEException("ES256 cannot sign " + header.getAlgorithm());
		}
		byte[] hash = P256.sha256(signingInput);
		ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
		signer.init(true, this.privateKey);
		BigInteger[] rs = signer.generateSignature(hash);
		byte[] signature = new byte[2 * P256.COORDINATE_BYTES];
		P256.writeUnsigned(rs[0], signature, 0);
		P256.writeUnsigned(rs[1], signature, P256.COORDINATE_BYTES);
		return Base64URL.encode(signature);
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
