package dev.agentidp.tokens;

import java.security.PublicKey;
import java.util.Arrays;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.springframework.util.Assert;

/**
 * An Ed25519 public key as its 32 raw bytes, with the curve point decoded once so that
 * every verification skips the decompression. Nimbus cannot turn an OKP JWK into a
 * {@link PublicKey} without Tink, so this carries the key to {@link JoseVerifiers}.
 */
final class Ed25519PublicKey implements PublicKey {

	private static final long serialVersionUID = 1L;

	private final byte[] encoded;

	private final transient Ed25519.PublicPoint point;

	/**
	 * @param encoded the 32-byte public key (RFC 8032 §5.1.5)
	 * @throws IllegalArgumentException when the bytes are not a valid point
	 */
	public Ed25519PublicKey(byte[] encoded) {
		this(encoded, true);
	}

	private Ed25519PublicKey(byte[] encoded, boolean fullValidation) {
		Assert.notNull(encoded, "encoded cannot be null");
		Assert.isTrue(encoded.length == Ed25519.PUBLIC_KEY_SIZE, "an Ed25519 public key has 32 bytes");
		this.encoded = encoded.clone();
		this.point = fullValidation ? Ed25519.validatePublicKeyFullExport(this.encoded, 0)
				: Ed25519.validatePublicKeyPartialExport(this.encoded, 0);
		Assert.isTrue(this.point != null, "not a valid Ed25519 public key");
	}

	/**
	 * A key that was fully validated when it was stored: an agent's key (the registry
	 * refuses a point that is not of prime order when the key is added) or one of the
	 * provider's own. The point is only decoded (RFC 8032 §5.1.3), without the
	 * prime-order check, which costs about as much as a signature verification and was
	 * otherwise paid again on every client authentication (BENCHMARKS.md).
	 * @param encoded the 32-byte public key, as stored
	 * @return the key
	 * @throws IllegalArgumentException when the bytes do not decode to a curve point
	 */
	static Ed25519PublicKey ofStored(byte[] encoded) {
		return new Ed25519PublicKey(encoded, false);
	}

	/**
	 * Verifies an Ed25519 signature (RFC 8032 §5.1.7).
	 * @param signature the 64-byte signature
	 * @param message the signed message
	 * @return whether it verifies
	 */
	public boolean verify(byte[] signature, byte[] message) {
		if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
			return false;
		}
		return Ed25519.verify(signature, 0, this.point, message, 0, message.length);
	}

	@Override
	public String getAlgorithm() {
		return "Ed25519";
	}

	@Override
	public String getFormat() {
		return "RAW";
	}

	@Override
	public byte[] getEncoded() {
		return this.encoded.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Ed25519PublicKey that && Arrays.equals(this.encoded, that.encoded);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.encoded);
	}

}
