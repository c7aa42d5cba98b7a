package dev.agentidp.signals;

import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to one subscription, as the delivery log shows it.
 *
 * @param id the delivery's id ({@code Agentidp-Delivery-Id})
 * @param eventId the event's id ({@code Agentidp-Event-Id}, the body's {@code id}; the
 * same in every subscription's delivery of it)
 * @param eventType the event's {@link SignalType} name
 * @param status {@code pending}, {@code delivered} or {@code failed} (given up)
 * @param attempts attempts made
 * @param lastStatus the HTTP status of the last attempt, or {@code null}
 * @param lastError why the last attempt failed, or {@code null}
 * @param createdAt when the event was queued for this subscription
 * @param lastAttemptAt when it was last attempted, or {@code null}
 * @param nextAttemptAt when it is next attempted, or {@code null} once done
 * @param deliveredAt when the receiver accepted it, or {@code null}
 */
public record WebhookDelivery(UUID id, UUID eventId, String eventType, String status, int attempts, Integer lastStatus,
		String lastError, Instant createdAt, Instant lastAttemptAt, Instant nextAttemptAt, Instant deliveredAt) {
}
