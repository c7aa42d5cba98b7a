package dev.agentidp.signals;

import java.util.List;

/**
 * What a receiver sets on a stream (SSF 1.0 §8.1.1.1 create, §8.1.1.3 update, §8.1.1.4
 * replace): on an update, a {@code null} member is left as it is.
 *
 * @param deliveryMethod {@value SharedSignals#PUSH} or {@value SharedSignals#POLL}
 * @param endpointUrl the receiver's URL for push; none for poll (the transmitter gives
 * it)
 * @param authorizationHeader the {@code Authorization} header value sent with each push,
 * or {@code null}
 * @param eventsRequested the event types wanted
 * @param description what the stream is for, or {@code null}
 */
public record StreamConfiguration(String deliveryMethod, String endpointUrl, String authorizationHeader,
		List<String> eventsRequested, String description) {
}
