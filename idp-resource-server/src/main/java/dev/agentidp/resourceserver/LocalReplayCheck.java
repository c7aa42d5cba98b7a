package dev.agentidp.resourceserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.agentidp.dpop.ReplayCheck;

/**
 * The default single-use check of DPoP proofs at a resource server (RFC 9449 §11.1): an
 * in-memory set bounded in size and time (each id kept until its proof could no longer be
 * accepted). Per instance: a tool server with several instances supplies a shared
 * {@link ReplayCheck} bean instead. When full, a new proof is refused rather than an old
 * id forgotten early, so a replay is never accepted because of load.
 */
final class LocalReplayCheck implements ReplayCheck {

	private final Cache<String, Instant> used;

	private final long maximumSize;

	private final Clock clock;

	LocalReplayCheck(int maximumSize, Clock clock) {
		this.maximumSize = maximumSize;
		this.clock = clock;
		this.used = Caffeine.newBuilder()
			.expireAfter(Expiry.<String, Instant>creating(
					(key, keepUntil) -> max(Duration.between(clock.instant(), keepUntil), Duration.ZERO)))
			.build();
	}

	@Override
	public synchronized boolean firstUse(String jkt, String jti, Instant keepUntil) {
		String key = jkt + ' ' + jti;
		Instant now = this.clock.instant();
		Instant previous = this.used.getIfPresent(key);
		if (previous != null && previous.isAfter(now)) {
			return false;
		}
		if (this.used.estimatedSize() >= this.maximumSize) {
			this.used.cleanUp();
			if (this.used.estimatedSize() >= this.maximumSize) {
				return false;
			}
		}
		this.used.put(key, keepUntil);
		return true;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
