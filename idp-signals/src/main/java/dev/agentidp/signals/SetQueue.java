package dev.agentidp.signals;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The SSF streams' queue of signed SETs ({@code ssf_set}, V24): each dispatched outbox
 * event becomes one SET per security event and stream that delivers its type (streams
 * that are paused keep theirs, disabled ones get none, SSF 1.0 §8.1.2); a poll stream's
 * SETs wait for the receiver's acknowledgement (RFC 8936), a push stream's are posted
 * (RFC 8935 §2) and retried like webhook deliveries until a {@code 202 Accepted}.
 */
final class SetQueue implements Outlet {

	private static final Logger logger = LoggerFactory.getLogger(SetQueue.class);

	private static final int BATCH = 20;

	private static final String STREAMS = """
			SELECT id, iss, aud, events_delivered FROM ssf_stream
			WHERE status <> 'disabled' AND events_delivered && CAST(? AS text[])
			""";

	private static final String INSERT = """
			INSERT INTO ssf_set (jti, stream_id, set_jwt, status, next_attempt_at, created_at)
			VALUES (?, ?, ?, 'pending', ?, ?)
			""";

	private static final String CLAIM = """
			UPDATE ssf_set s SET next_attempt_at = ?, attempts = s.attempts + 1
			FROM ssf_stream st
			WHERE st.id = s.stream_id AND s.jti IN (
			    SELECT x.jti FROM ssf_set x JOIN ssf_stream y ON y.id = x.stream_id
			    WHERE x.status = 'pending' AND x.next_attempt_at <= ? AND y.delivery_method = 'urn:ietf:rfc:8935'
			      AND y.status = 'enabled'
			    ORDER BY x.next_attempt_at LIMIT ? FOR UPDATE OF x SKIP LOCKED)
			RETURNING s.jti, s.stream_id, s.set_jwt, s.attempts, s.created_at, st.endpoint_url, st.authorization_enc
			""";

	private static final String DELIVERED = "UPDATE ssf_set SET status = 'delivered', last_error = NULL WHERE jti = ?";

	private static final String FAILED = "UPDATE ssf_set SET status = ?, next_attempt_at = ?, last_error = ? WHERE jti = ?";

	private static final String PURGE = "DELETE FROM ssf_set WHERE status <> 'pending' AND created_at < ?";

	private final JdbcClient jdbc;

	private final SetSigner signer;

	private final Deliveries deliveries;

	private final Secrets secrets;

	SetQueue(JdbcClient jdbc, SetSigner signer, Deliveries deliveries, Secrets secrets) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(signer, "signer cannot be null");
		Assert.notNull(deliveries, "deliveries cannot be null");
		Assert.notNull(secrets, "secrets cannot be null");
		this.jdbc = jdbc;
		this.signer = signer;
		this.deliveries = deliveries;
		this.secrets = secrets;
	}

	@Override
	public void queue(Outbox.Event event, Instant now) {
		List<SecurityEvents.SecurityEvent> events = SecurityEvents.of(event);
		if (events.isEmpty()) {
			return;
		}
		String[] types = events.stream().map(SecurityEvents.SecurityEvent::type).distinct().toArray(String[]::new);
		List<Stream> streams = this.jdbc.sql(STREAMS)
			.param(types)
			.query((rs, row) -> new Stream(rs.getObject("id", UUID.class), rs.getString("iss"), rs.getString("aud"),
					Set.of((String[]) rs.getArray("events_delivered").getArray())))
			.list();
		for (Stream stream : streams) {
			for (SecurityEvents.SecurityEvent securityEvent : events) {
				if (stream.delivered().contains(securityEvent.type())) {
					insert(stream.id(), stream.issuer(), stream.audience(), event.id().toString(), securityEvent, now);
				}
			}
		}
	}

	void insert(UUID streamId, String issuer, String audience, String txn, SecurityEvents.SecurityEvent event,
			Instant now) {
		SetSigner.Signed set = this.signer.sign(issuer, audience, txn, event, now.getEpochSecond());
		this.jdbc.sql(INSERT)
			.params(set.jti(), streamId, set.compact(), Timestamp.from(now), Timestamp.from(now))
			.update();
	}

	@Override
	public int deliver(Instant now) {
		List<Claimed> claimed = this.jdbc.sql(CLAIM)
			.params(Timestamp.from(now.plus(this.deliveries.lease())), Timestamp.from(now), BATCH)
			.query((rs, row) -> new Claimed(rs.getString("jti"), rs.getObject("stream_id", UUID.class),
					rs.getString("set_jwt"), rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(),
					rs.getString("endpoint_url"), rs.getBytes("authorization_enc")))
			.list();
		List<CompletableFuture<Void>> sent = new ArrayList<>(claimed.size());
		for (Claimed set : claimed) {
			String authorization = (set.authorizationEnc() != null)
					? this.secrets.open(set.authorizationEnc(), "ssf", set.streamId()) : null;
			// RFC 8935 §2.1: the SET is the body, application/secevent+jwt
			sent.add(this.deliveries
				.post(set.url(), "application/secevent+jwt", set.compact(), "Accept", "application/json",
						"Authorization", authorization)
				.thenAccept((outcome) -> record(set, outcome)));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
		return claimed.size();
	}

	private void record(Claimed set, Deliveries.Outcome outcome) {
		Instant now = Instant.now();
		// RFC 8935 §2.2: 202 Accepted is the receipt; §2.3: a 400 is the receiver's
		// refusal of this SET, which no retry changes
		if (outcome.accepted(202)) {
			this.jdbc.sql(DELIVERED).param(set.jti()).update();
			return;
		}
		boolean givenUp = (outcome.status() != null && outcome.status() == 400)
				|| this.deliveries.givenUp(set.createdAt(), now);
		this.jdbc.sql(FAILED)
			.params(givenUp ? "failed" : "pending", Timestamp.from(this.deliveries.nextAttempt(now, set.attempts())),
					outcome.describe(), set.jti())
			.update();
		logger.debug("SSF push of {} to {} failed ({}), attempt {}{}", set.jti(), set.url(), outcome.describe(),
				set.attempts(), givenUp ? ", given up" : "");
	}

	@Override
	public int purge(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(Timestamp.from(cutoff)).update();
	}

	private record Stream(UUID id, String issuer, String audience, Set<String> delivered) {
	}

	private record Claimed(String jti, UUID streamId, String compact, int attempts, Instant createdAt, String url,
			byte[] authorizationEnc) {
	}

}
