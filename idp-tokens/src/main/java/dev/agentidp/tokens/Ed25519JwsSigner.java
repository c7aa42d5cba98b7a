package dev.agentidp.tokens;

import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import org.springframework.util.Assert;

/**
 * Signs JWS objects with Ed25519 (RFC 8037, RFC 8032 §5.1.6) using BouncyCastle. Written
 * by hand: Nimbus's {@code Ed25519Signer} needs Tink, and the JDK's provider is about
 * nine times slower here (docs/tokens.md "Design notes").
 */
final class Ed25519JwsSigner implements JWSSigner {

	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

	private final byte[] privateKey;

	private final byte[] publicKey;

	private final JCAContext jcaContext = new JCAContext();

	Ed25519JwsSigner(byte[] privateKey, byte[] publicKey) {
		Assert.isTrue(privateKey != null && privateKey.length == Ed25519.SECRET_KEY_SIZE,
				"an Ed25519 private key has 32 bytes");
		Assert.isTrue(publicKey != null && publicKey.length == Ed25519.PUBLIC_KEY_SIZE,
				"an Ed25519 public key has 32 bytes");
		this.privateKey = privateKey.clone();
		this.publicKey = publicKey.clone();
	}

	@Override
	public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw new JOSEException("Ed25519 cannot sign " + header.getAlgorithm());
		}
		byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
		Ed25519.sign(this.privateKey, 0, this.publicKey, 0, signingInput, 0, signingInput.length, signature, 0);
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
