package dev.agentidp.dpop;

import java.time.Instant;

/**
 * The single-use check of DPoP proof ids (RFC 9449 §11.1): a proof's {@code jti} is
 * accepted once per key while the proof could still be accepted. A check shared by every
 * node of a service (a database, a shared cache) makes the rule hold across them.
 */
@FunctionalInterface
public interface ReplayCheck {

	/**
	 * Records the first use of a proof id.
	 * @param jkt the RFC 7638 thumbprint of the proof's key
	 * @param jti the proof's id
	 * @param keepUntil until when the record must be kept
	 * @return {@code true} on the first use, {@code false} on a replay
	 */
	boolean firstUse(String jkt, String jti, Instant keepUntil);

}
