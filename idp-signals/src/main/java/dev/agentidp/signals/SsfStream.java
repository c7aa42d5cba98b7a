package dev.agentidp.signals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An SSF event stream (OpenID Shared Signals Framework 1.0 §8.1.1), as its configuration
 * is shown to the client that owns it (never its push authorization header).
 *
 * @param id the {@code stream_id}
 * @param clientId the owning client (resource server or admin client)
 * @param issuer the {@code iss} of its SETs
 * @param audience the {@code aud} of its SETs: the owning client's id
 * @param deliveryMethod {@value SharedSignals#PUSH} or {@value SharedSignals#POLL}
 * @param endpointUrl the receiver's push URL, or the transmitter's poll URL
 * @param eventsRequested the event types the receiver asked for
 * @param eventsDelivered the event types delivered (those requested that are supported)
 * @param description the receiver's description, or {@code null}
 * @param status {@code enabled}, {@code paused} or {@code disabled}
 * @param reason why the status was last set, or {@code null}
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record SsfStream(UUID id, String clientId, String issuer, String audience, String deliveryMethod,
		String endpointUrl, List<String> eventsRequested, List<String> eventsDelivered, String description,
		String status, String reason, Instant createdAt, Instant updatedAt) {

	public SsfStream {
		eventsRequested = List.copyOf(eventsRequested);
		eventsDelivered = List.copyOf(eventsDelivered);
	}

}
