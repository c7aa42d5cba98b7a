package dev.agentidp.dpop;

import java.math.BigInteger;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * ES256's arithmetic as BouncyCastle holds it (RFC 7518 §3.4): P-256's domain parameters
 * (SEC 2 §2.4.2, BouncyCastle's custom curve), the SHA-256 of a signing input, and the
 * signature's halves as 32 big-endian bytes each. Shared by {@link Es256Verifier} and the
 * provider's ES256 signer.
 */
public final class P256 {

	/** P-256 (secp256r1) with BouncyCastle's fast field arithmetic. */
	public static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");

	/** The domain parameters signers and verifiers take. */
	public static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(),
			CURVE.getH());

	/** The bytes of {@code R} and of {@code S} in a JWS signature. */
	public static final int COORDINATE_BYTES = 32;

	private P256() {
	}

	/**
	 * The SHA-256 of a signing input.
	 * @param input the JWS signing input
	 * @return the 32-byte hash
	 */
	public static byte[] sha256(byte[] input) {
		SHA256Digest sha256 = new SHA256Digest();
		sha256.update(input, 0, input.length);
		byte[] hash = new byte[sha256.getDigestSize()];
		sha256.doFinal(hash, 0);
		return hash;
	}

	/**
	 * Writes a value below the group order as {@value #COORDINATE_BYTES} big-endian
	 * bytes, left-padded with zeros.
	 * @param value {@code R} or {@code S}
	 * @param target the signature
	 * @param offset where the value starts in it
	 */
	public static void writeUnsigned(BigInteger value, byte[] target, int offset) {
		byte[] bytes = value.toByteArray();
		int start = Math.max(0, bytes.length - COORDINATE_BYTES);
		int length = bytes.length - start;
		System.arraycopy(bytes, start, target, offset + COORDINATE_BYTES - length, length);
	}

}
