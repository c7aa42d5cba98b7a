package dev.agentidp.signals;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The webhook deliveries ({@code webhook_delivery}, V23): queued per event and
 * subscription when an outbox event is dispatched, claimed by a lease (the row's
 * {@code next_attempt_at} moved past the attempt, with {@code FOR UPDATE SKIP LOCKED}, so
 * that nodes share the queue and a node dying mid-delivery leaves the row to be retried),
 * posted signed, and retried with exponential back-off until {@code retry-for} has
 * passed.
 */
final class WebhookQueue implements Outlet {

	private static final Logger logger = LoggerFactory.getLogger(WebhookQueue.class);

	private static final int BATCH = 20;

	private static final String QUEUE = """
			INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, body, status, next_attempt_at,
			                              created_at)
			SELECT gen_random_uuid(), s.id, ?, ?, ?, 'pending', ?, ? FROM webhook_subscription s
			WHERE ? = ANY(s.events)
			ON CONFLICT (subscription_id, event_id) DO NOTHING
			""";

	private static final String CLAIM = """
			UPDATE webhook_delivery d SET next_attempt_at = ?, attempts = d.attempts + 1, last_attempt_at = ?
			FROM webhook_subscription s
			WHERE s.id = d.subscription_id AND d.id IN (
			    SELECT id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= ?
			    ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
			RETURNING d.id, d.subscription_id, d.event_id, d.event_type, d.body, d.attempts, d.created_at, s.url,
			          s.secret_enc
			""";

	private static final String DELIVERED = """
			UPDATE webhook_delivery SET status = 'delivered', delivered_at = ?, last_status = ?, last_error = NULL
			WHERE id = ?
			""";

	private static final String FAILED = """
			UPDATE webhook_delivery SET status = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?
			""";

	private static final String PURGE = """
			DELETE FROM webhook_delivery WHERE status <> 'pending' AND created_at < ?
			""";

	private final JdbcClient jdbc;

	private final Deliveries deliveries;

	private final Secrets secrets;

	WebhookQueue(JdbcClient jdbc, Deliveries deliveries, Secrets secrets) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(deliveries, "deliveries cannot be null");
		Assert.notNull(secrets, "secrets cannot be null");
		this.jdbc = jdbc;
		this.deliveries = deliveries;
		this.secrets = secrets;
	}

	@Override
	public void queue(Outbox.Event event, Instant now) {
		this.jdbc.sql(QUEUE)
			.params(event.id(), event.type().value(), body(event), Timestamp.from(now), Timestamp.from(now),
					event.type().value())
			.update();
	}

	@Override
	public int deliver(Instant now) {
		List<Claimed> claimed = this.jdbc.sql(CLAIM)
			.params(Timestamp.from(now.plus(this.deliveries.lease())), Timestamp.from(now), Timestamp.from(now), BATCH)
			.query((rs, row) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("subscription_id", UUID.class),
					rs.getObject("event_id", UUID.class), rs.getString("event_type"), rs.getString("body"),
					rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(), rs.getString("url"),
					rs.getBytes("secret_enc")))
			.list();
		List<CompletableFuture<Void>> sent = new ArrayList<>(claimed.size());
		for (Claimed delivery : claimed) {
			String secret = this.secrets.open(delivery.secretEnc(), "webhook", delivery.subscriptionId());
			long timestamp = now.getEpochSecond();
			sent.add(this.deliveries
				.post(delivery.url(), "application/json", delivery.body(), WebhookSignature.HEADER,
						WebhookSignature.header(secret, timestamp, delivery.body()), "Agentidp-Event-Id",
						delivery.eventId().toString(), "Agentidp-Delivery-Id", delivery.id().toString(),
						"Agentidp-Event-Type", delivery.eventType())
				.thenAccept((outcome) -> record(delivery, outcome)));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
		return claimed.size();
	}

	private void record(Claimed delivery, Deliveries.Outcome outcome) {
		Instant now = Instant.now();
		if (outcome.accepted()) {
			this.jdbc.sql(DELIVERED).params(Timestamp.from(now), outcome.status(), delivery.id()).update();
			return;
		}
		boolean givenUp = this.deliveries.givenUp(delivery.createdAt(), now);
		this.jdbc.sql(FAILED)
			.params(givenUp ? "failed" : "pending",
					Timestamp.from(this.deliveries.nextAttempt(now, delivery.attempts())), outcome.status(),
					outcome.describe(), delivery.id())
			.update();
		// the URL only: a secret is never logged
		logger.debug("Webhook delivery {} to {} failed ({}), attempt {}{}", delivery.id(), delivery.url(),
				outcome.describe(), delivery.attempts(), givenUp ? ", given up" : "");
	}

	@Override
	public int purge(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(Timestamp.from(cutoff)).update();
	}

	/** The body every subscription receives for an event. */
	static String body(Outbox.Event event) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", event.id().toString());
		body.put("type", event.type().value());
		body.put("occurredAt", event.occurredAt().toString());
		body.put("data", event.data());
		return JSONObjectUtils.toJSONString(body);
	}

	private record Claimed(UUID id, UUID subscriptionId, UUID eventId, String eventType, String body, int attempts,
			Instant createdAt, String url, byte[] secretEnc) {
	}

}
