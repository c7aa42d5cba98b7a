package dev.agentidp.signals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription as the admin API shows it (never its secret).
 *
 * @param id its id
 * @param url where deliveries are posted
 * @param events the {@link SignalType} names delivered to it
 * @param description what it is for, or {@code null}
 * @param createdBy the client that created it
 * @param createdAt when
 */
public record WebhookSubscription(UUID id, String url, List<String> events, String description, String createdBy,
		Instant createdAt) {

	public WebhookSubscription {
		events = List.copyOf(events);
	}

}
