package dev.agentidp.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The tokens an issuance window leaves for the windows after it: a pool of the last
 * {@value #SIZE} issued (slot = iteration modulo the size), of which up to
 * {@value #REVOKED} are revoked for the revoked-token introspection.
 */
final class TokenPools {

	/** The issued tokens kept, for introspection. */
	static final int SIZE = 20_000;

	/** At most this many pooled tokens are revoked. */
	static final int REVOKED = 2_000;

	private TokenPools() {
	}

	/**
	 * The pooled tokens that were not revoked.
	 * @param pool the pool
	 * @param revoked the revoked tokens
	 * @return the others, in pool order
	 */
	static List<String> activeTokens(AtomicReferenceArray<String> pool, List<String> revoked) {
		Set<String> gone = new HashSet<>(revoked);
		List<String> active = new ArrayList<>();
		for (int i = 0; i < pool.length(); i++) {
			String token = pool.get(i);
			if (token != null && !gone.contains(token)) {
				active.add(token);
			}
		}
		return active;
	}

	/**
	 * The agents (at most 5,000) that hold a latest token, the parents of the exchanges.
	 * @param latest each agent's latest token, or {@code null}
	 * @return their indexes, in order
	 */
	static List<Integer> parents(AtomicReferenceArray<String> latest) {
		List<Integer> parents = new ArrayList<>();
		for (int a = 0; a < latest.length() && parents.size() < 5_000; a++) {
			if (latest.get(a) != null) {
				parents.add(a);
			}
		}
		return parents;
	}

}
