package dev.agentidp.signals;

import java.util.Map;

/**
 * The answer to an RFC 8936 poll (§2.5): the SETs by {@code jti}, and whether more wait.
 *
 * @param sets the SETs, compact JWS, by jti, oldest first
 * @param moreAvailable whether more SETs are waiting beyond these
 */
public record PollResult(Map<String, String> sets, boolean moreAvailable) {
}
