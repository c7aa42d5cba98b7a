package dev.agentidp.signals;

import java.util.List;

/**
 * An RFC 8936 poll request (§2.4): acknowledgements, errors reported on SETs (also
 * acknowledging them), and what to return.
 *
 * @param ack the jtis acknowledged
 * @param setErrs the jtis the receiver reports an error on (no longer delivered)
 * @param maxEvents the most SETs to return (0: none, only acknowledge), or {@code null}
 * for the transmitter's choice
 * @param returnImmediately whether to answer at once when none is waiting (else wait a
 * while for one: long polling)
 */
public record PollRequest(List<String> ack, List<String> setErrs, Integer maxEvents, boolean returnImmediately) {

	public PollRequest {
		ack = (ack != null) ? List.copyOf(ack) : List.of();
		setErrs = (setErrs != null) ? List.copyOf(setErrs) : List.of();
	}

}
