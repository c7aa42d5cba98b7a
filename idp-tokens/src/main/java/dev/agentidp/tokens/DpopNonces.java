package dev.agentidp.tokens;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.agentidp.dpop.NonceCheck;
import dev.agentidp.dpop.UseDpopNonceException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The token endpoint's DPoP server nonces (RFC 9449 §8): stateless, so that a nonce one
 * node issued is accepted by every other node without sticky sessions. A nonce is the
 * base64url of its issue time (epoch seconds, 8 bytes) and the first 16 bytes of an
 * HMAC-SHA256 over that time under a key every node shares through PostgreSQL
 * ({@code dpop_nonce_key}, inserted by the first node that starts and read back by every
 * node). It is valid from its issue time (a few seconds earlier, for the nodes' clocks to
 * differ) until its lifetime has passed; the MAC is compared in constant time. Nothing is
 * stored per nonce: a nonce proves that the proof was made recently, and the proof's
 * {@code jti} stays single-use as before.
 */
final class DpopNonces implements NonceCheck {

	/** RFC 9449 §8: the response header that carries a fresh nonce. */
	static final String HEADER = "DPoP-Nonce";

	/**
	 * How far ahead of this node's clock a nonce's issue time may lie (another node's).
	 */
	static final Duration NODE_CLOCK_TOLERANCE = Duration.ofSeconds(5);

	private static final String INSERT_KEY = """
			INSERT INTO dpop_nonce_key (id, secret) VALUES (1, ?)
			ON CONFLICT (id) DO NOTHING""";

	private static final String READ_KEY = "SELECT secret FROM dpop_nonce_key WHERE id = 1";

	/** Separates this MAC's inputs from any other use of the key. */
	private static final byte[] CONTEXT = "dpop-nonce:".getBytes(StandardCharsets.US_ASCII);

	private static final int TIME_LENGTH = Long.BYTES;

	private static final int MAC_LENGTH = 16;

	/** The length of a nonce: base64url without padding of 24 bytes. */
	private static final int NONCE_LENGTH = 32;

	private final ThreadLocal<Mac> macs;

	private final Duration lifetime;

	private final Clock clock;

	/**
	 * @param key the shared HMAC key (32 bytes)
	 * @param lifetime how long a nonce is accepted after it is issued
	 * @param clock the clock
	 */
	DpopNonces(byte[] key, Duration lifetime, Clock clock) {
		Assert.isTrue(key != null && key.length == 32, "key must be 32 bytes");
		Assert.isTrue(lifetime != null && lifetime.isPositive(), "lifetime must be positive");
		Assert.notNull(clock, "clock cannot be null");
		SecretKeySpec secret = new SecretKeySpec(key.clone(), "HmacSHA256");
		this.macs = ThreadLocal.withInitial(() -> {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(secret);
				return mac;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("HmacSHA256 is required of every JDK", ex);
			}
		});
		this.lifetime = lifetime;
		this.clock = clock;
	}

	/**
	 * The nonces of every node on this database: the shared key is created by the first
	 * node (concurrent first starts agree on one: the insert that loses does nothing) and
	 * read back.
	 * @param jdbc the database
	 * @param lifetime how long a nonce is accepted
	 * @param clock the clock
	 * @return the nonces
	 */
	static DpopNonces shared(JdbcClient jdbc, Duration lifetime, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		byte[] candidate = new byte[32];
		new SecureRandom().nextBytes(candidate);
		jdbc.sql(INSERT_KEY).param(candidate).update();
		byte[] key = jdbc.sql(READ_KEY).query(byte[].class).single();
		return new DpopNonces(key, lifetime, clock);
	}

	/**
	 * A fresh nonce, issued now.
	 * @return the nonce, for the {@code DPoP-Nonce} header (RFC 9449 §8.1: NQCHARs only)
	 */
	String issue() {
		long issuedAt = this.clock.instant().getEpochSecond();
		ByteBuffer nonce = ByteBuffer.allocate(TIME_LENGTH + MAC_LENGTH).putLong(issuedAt);
		nonce.put(mac(issuedAt));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
	}

	/**
	 * RFC 9449 §8: a proof at the token endpoint must carry a nonce this provider issued
	 * (on any node) within its lifetime.
	 */
	@Override
	public void check(String nonce) {
		if (nonce == null) {
			throw new UseDpopNonceException(
					"The DPoP proof needs a nonce: sign a new proof with the one in the DPoP-Nonce header (RFC 9449 §8)");
		}
		byte[] decoded = decode(nonce);
		if (decoded == null || !MessageDigest.isEqual(mac(ByteBuffer.wrap(decoded).getLong()),
				Arrays.copyOfRange(decoded, TIME_LENGTH, decoded.length))) {
			throw new UseDpopNonceException("The DPoP proof's nonce was not issued by this provider: sign a new"
					+ " proof with the one in the DPoP-Nonce header (RFC 9449 §8)");
		}
		Instant issuedAt = Instant.ofEpochSecond(ByteBuffer.wrap(decoded).getLong());
		Instant now = this.clock.instant();
		if (issuedAt.isAfter(now.plus(NODE_CLOCK_TOLERANCE)) || issuedAt.plus(this.lifetime).isBefore(now)) {
			throw new UseDpopNonceException("The DPoP proof's nonce has expired: sign a new proof with the one in"
					+ " the DPoP-Nonce header (RFC 9449 §8)");
		}
	}

	private byte[] mac(long issuedAt) {
		Mac mac = this.macs.get();
		mac.update(CONTEXT);
		mac.update(ByteBuffer.allocate(TIME_LENGTH).putLong(issuedAt).array());
		return Arrays.copyOf(mac.doFinal(), MAC_LENGTH);
	}

	/** The nonce's bytes, or {@code null} when it is not one of ours in form. */
	private static byte[] decode(String nonce) {
		if (nonce.length() != NONCE_LENGTH) {
			return null;
		}
		try {
			return Base64.getUrlDecoder().decode(nonce);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
