package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;

import dev.agentidp.dpop.UseDpopNonceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link DpopNonces}: a nonce is accepted by every holder of the key within its lifetime,
 * and refused when missing, forged, for another key, expired or from too far ahead.
 */
class DpopNoncesTests {

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	private static final Duration LIFETIME = Duration.ofMinutes(5);

	private final byte[] key = key((byte) 1);

	private final MovableClock clock = new MovableClock(NOW);

	private final DpopNonces nonces = new DpopNonces(this.key, LIFETIME, this.clock);

	@Test
	void checkWhenIssuedWithTheSameKeyThenAcceptedAlsoByAnotherInstance() {
		String nonce = this.nonces.issue();
		// RFC 9449 §8.1: NQCHARs only (here base64url)
		assertThat(nonce).matches("[A-Za-z0-9_-]{32}");
		assertThatNoException().isThrownBy(() -> this.nonces.check(nonce));
		DpopNonces anotherNode = new DpopNonces(this.key.clone(), LIFETIME, this.clock);
		assertThatNoException().isThrownBy(() -> anotherNode.check(nonce));
	}

	@Test
	void checkWhenMissingThenUseDpopNonce() {
		assertThatExceptionOfType(UseDpopNonceException.class).isThrownBy(() -> this.nonces.check(null))
			.withMessageContaining("needs a nonce");
	}

	@Test
	void checkWhenForgedOrMalformedOrOfAnotherKeyThenUseDpopNonce() {
		String nonce = this.nonces.issue();
		byte[] bytes = Base64.getUrlDecoder().decode(nonce);
		bytes[bytes.length - 1] ^= 1;
		String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		// a later issue time with the old MAC
		byte[] later = Arrays.copyOf(Base64.getUrlDecoder().decode(nonce), 24);
		later[7] += 1;
		String moved = Base64.getUrlEncoder().withoutPadding().encodeToString(later);
		String otherKey = new DpopNonces(key((byte) 2), LIFETIME, this.clock).issue();
		for (String refused : new String[] { forged, moved, otherKey, "", "not-a-nonce", nonce + "A",
				"!".repeat(32) }) {
			assertThatExceptionOfType(UseDpopNonceException.class).as(refused)
				.isThrownBy(() -> this.nonces.check(refused))
				.withMessageContaining("not issued by this provider");
		}
	}

	@Test
	void checkWhenOlderThanTheLifetimeThenUseDpopNonce() {
		String nonce = this.nonces.issue();
		this.clock.now = NOW.plus(LIFETIME);
		assertThatNoException().isThrownBy(() -> this.nonces.check(nonce));
		this.clock.now = NOW.plus(LIFETIME).plusSeconds(1);
		assertThatExceptionOfType(UseDpopNonceException.class).isThrownBy(() -> this.nonces.check(nonce))
			.withMessageContaining("has expired");
	}

	@Test
	void checkWhenIssuedAheadOfThisNodesClockBeyondTheToleranceThenUseDpopNonce() {
		this.clock.now = NOW.plus(DpopNonces.NODE_CLOCK_TOLERANCE);
		String nearlyNow = this.nonces.issue();
		this.clock.now = NOW.plus(DpopNonces.NODE_CLOCK_TOLERANCE).plusSeconds(1);
		String ahead = this.nonces.issue();
		this.clock.now = NOW;
		assertThatNoException().isThrownBy(() -> this.nonces.check(nearlyNow));
		assertThatExceptionOfType(UseDpopNonceException.class).isThrownBy(() -> this.nonces.check(ahead))
			.withMessageContaining("has expired");
	}

	private static byte[] key(byte fill) {
		byte[] key = new byte[32];
		Arrays.fill(key, fill);
		return key;
	}

	/** A clock the test moves. */
	private static final class MovableClock extends Clock {

		private Instant now;

		MovableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
