package dev.agentidp.app.signals;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import dev.agentidp.signals.StreamConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

/**
 * The body of a stream's creation, update or replacement (SSF 1.0 §8.1.1): what the
 * receiver sets ({@code delivery}, {@code events_requested}, {@code description}), the
 * {@code stream_id} on an update, and the members the transmitter sets, which a receiver
 * may send back as it read them and which are ignored. What each may be is the signals
 * module's rule ({@code SharedSignals}).
 *
 * @param streamId the stream, required on update and replacement
 * @param delivery how SETs are delivered
 * @param eventsRequested the event types wanted
 * @param description what the stream is for
 * @param iss ignored (set by the transmitter)
 * @param aud ignored (set by the transmitter)
 * @param eventsSupported ignored (set by the transmitter)
 * @param eventsDelivered ignored (set by the transmitter)
 * @param minVerificationInterval ignored (set by the transmitter)
 */
@AdminBody
record StreamRequest(@JsonProperty("stream_id") @WrongType("stream_id: must be a string") String streamId,
		@Valid @WrongType("delivery: must be a JSON object") Delivery delivery,
		@JsonProperty("events_requested") @Size(max = 32,
				message = "must hold at most 32 elements") @WrongType("events_requested: must be a list of event type URIs") List<String> eventsRequested,
		@WrongType("description: must be a string") String description, Object iss, Object aud,
		@JsonProperty("events_supported") Object eventsSupported,
		@JsonProperty("events_delivered") Object eventsDelivered,
		@JsonProperty("min_verification_interval") Object minVerificationInterval) {

	StreamConfiguration configuration() {
		return new StreamConfiguration((this.delivery != null) ? this.delivery.method() : null,
				(this.delivery != null) ? this.delivery.endpointUrl() : null,
				(this.delivery != null) ? this.delivery.authorizationHeader() : null, this.eventsRequested,
				this.description);
	}

	/**
	 * SSF 1.0 §8.1.1 {@code delivery}.
	 *
	 * @param method {@code urn:ietf:rfc:8935} (push) or {@code urn:ietf:rfc:8936} (poll)
	 * @param endpointUrl the receiver's URL, for push
	 * @param authorizationHeader the {@code Authorization} value sent with each push
	 */
	record Delivery(@WrongType("delivery.method: must be a string") String method,
			@JsonProperty("endpoint_url") @WrongType("delivery.endpoint_url: must be a string") String endpointUrl,
			@JsonProperty("authorization_header") @WrongType("delivery.authorization_header: must be a string") String authorizationHeader) {
	}

}
