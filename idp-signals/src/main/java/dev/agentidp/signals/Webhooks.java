package dev.agentidp.signals;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.Refusals;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The webhook subscriptions (docs/api.md "Webhooks"): create (the URL checked against
 * server-side request forgery, the events among {@link SignalType}, the secret provided
 * or generated and shown once), list, read, delete, and each one's delivery log. A
 * refused request stores nothing and is recorded as {@code webhook.refused}.
 */
public final class Webhooks {

	/** The most subscriptions the provider keeps. */
	public static final int MAX_SUBSCRIPTIONS = 100;

	static final int MIN_SECRET_LENGTH = 32;

	static final int MAX_SECRET_LENGTH = 256;

	static final int MAX_DESCRIPTION_LENGTH = 500;

	private static final String INSERT = """
			INSERT INTO webhook_subscription (id, url, events, secret_enc, description, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			""";

	private static final String COLUMNS = "id, url, events, description, created_by, created_at";

	private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM webhook_subscription ORDER BY created_at, id";

	private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM webhook_subscription WHERE id = ?";

	private static final String COUNT = "SELECT count(*) FROM webhook_subscription";

	private static final String DELETE = "DELETE FROM webhook_subscription WHERE id = ?";

	private static final String DELIVERIES = """
			SELECT id, event_id, event_type, status, attempts, last_status, last_error, created_at, last_attempt_at,
			       next_attempt_at, delivered_at
			FROM webhook_delivery WHERE subscription_id = ? ORDER BY created_at DESC, id LIMIT ?
			""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final Secrets secrets;

	private final OutboundUrls urls;

	private final Refusals refusals;

	private final Clock clock;

	Webhooks(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events, Secrets secrets,
			OutboundUrls urls, Refusals refusals, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(secrets, "secrets cannot be null");
		Assert.notNull(urls, "urls cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.events = events;
		this.secrets = secrets;
		this.urls = urls;
		this.refusals = refusals;
		this.clock = clock;
	}

	/**
	 * Creates a subscription.
	 * @param url where deliveries are posted: {@code https}, a public address (outside
	 * the {@code dev} profile)
	 * @param events the {@link SignalType} names wanted, at least one
	 * @param secret the signing secret (32 to 256 printable ASCII characters), or
	 * {@code null} to have one generated
	 * @param description what it is for, or {@code null}
	 * @param actor the client creating it
	 * @param source where the request came from, for the refusal's record
	 * @return the subscription, with the generated secret
	 * @throws InvalidSignalRequestException when refused (nothing is stored)
	 */
	public NewWebhookSubscription subscribe(String url, List<String> events, String secret, String description,
			String actor, String source) {
		try {
			this.urls.check(url, "url");
			List<String> types = types(events);
			checkSecret(secret);
			if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
				throw new InvalidSignalRequestException(
						"description: must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
			}
			String signing = (secret != null) ? secret : Secrets.generate();
			UUID id = UUID.randomUUID();
			Instant now = this.clock.instant();
			WebhookSubscription subscription = new WebhookSubscription(id, url, types, description, actor, now);
			this.transactions.executeWithoutResult((status) -> {
				if (this.jdbc.sql(COUNT).query(Long.class).single() >= MAX_SUBSCRIPTIONS) {
					throw new InvalidSignalRequestException("the provider already has " + MAX_SUBSCRIPTIONS
							+ " webhook subscriptions, the most it keeps");
				}
				this.jdbc.sql(INSERT)
					.params(id, url, types.toArray(String[]::new), this.secrets.seal(signing, "webhook", id),
							description, actor, Timestamp.from(now))
					.update();
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("url", url);
				details.put("events", types);
				this.events.publishEvent(new SignalsChanged("webhook.subscribed", id.toString(), actor, details));
			});
			return new NewWebhookSubscription(subscription, (secret != null) ? null : signing);
		}
		catch (InvalidSignalRequestException ex) {
			this.refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, actor, "webhook.refused", null, Decision.DENY,
					ex.getMessage(), Map.of()), source);
			throw ex;
		}
	}

	/**
	 * The subscriptions, oldest first.
	 * @return every subscription
	 */
	public List<WebhookSubscription> list() {
		return this.jdbc.sql(SELECT_ALL).query((rs, row) -> map(rs)).list();
	}

	/**
	 * One subscription.
	 * @param id its id
	 * @return the subscription
	 * @throws SignalNotFoundException when there is none
	 */
	public WebhookSubscription get(UUID id) {
		Assert.notNull(id, "id cannot be null");
		return this.jdbc.sql(SELECT_ONE)
			.param(id)
			.query((rs, row) -> map(rs))
			.optional()
			.orElseThrow(() -> new SignalNotFoundException("No webhook subscription " + id));
	}

	/**
	 * Deletes a subscription with its delivery log; its pending deliveries are not made.
	 * @param id its id
	 * @param actor the client deleting it
	 * @throws SignalNotFoundException when there is none
	 */
	public void delete(UUID id, String actor) {
		Assert.notNull(id, "id cannot be null");
		this.transactions.executeWithoutResult((status) -> {
			if (this.jdbc.sql(DELETE).param(id).update() == 0) {
				throw new SignalNotFoundException("No webhook subscription " + id);
			}
			this.events.publishEvent(new SignalsChanged("webhook.deleted", id.toString(), actor, Map.of()));
		});
	}

	/**
	 * A subscription's delivery log, newest first.
	 * @param id the subscription
	 * @param limit at most this many (1 to 500)
	 * @return the deliveries
	 * @throws SignalNotFoundException when there is no such subscription
	 */
	public List<WebhookDelivery> deliveries(UUID id, int limit) {
		get(id);
		if (limit < 1 || limit > 500) {
			throw new InvalidSignalRequestException("limit: must be between 1 and 500");
		}
		return this.jdbc.sql(DELIVERIES)
			.params(id, limit)
			.query((rs, row) -> new WebhookDelivery(rs.getObject("id", UUID.class),
					rs.getObject("event_id", UUID.class), rs.getString("event_type"), rs.getString("status"),
					rs.getInt("attempts"), (Integer) rs.getObject("last_status"), rs.getString("last_error"),
					instant(rs, "created_at"), instant(rs, "last_attempt_at"),
					"pending".equals(rs.getString("status")) ? instant(rs, "next_attempt_at") : null,
					instant(rs, "delivered_at")))
			.list();
	}

	static List<String> types(List<String> events) {
		if (events == null || events.isEmpty()) {
			throw new InvalidSignalRequestException("events: must name at least one of " + names());
		}
		Set<String> types = new LinkedHashSet<>();
		for (String event : events) {
			if (event == null || SignalType.fromValue(event).isEmpty()) {
				throw new InvalidSignalRequestException(
						"events: " + ((event != null) ? "\"" + Texts.shown(event) + "\"" : "null")
								+ " is not an event type (one of " + names() + ")");
			}
			if (!types.add(event)) {
				throw new InvalidSignalRequestException("events: \"" + event + "\" is listed twice");
			}
		}
		return new ArrayList<>(types);
	}

	private static void checkSecret(String secret) {
		if (secret == null) {
			return;
		}
		if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH
				|| !secret.chars().allMatch((c) -> c > 0x20 && c < 0x7f)) {
			throw new InvalidSignalRequestException("secret: must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH
					+ " printable ASCII characters without spaces (or omitted, to have one generated)");
		}
	}

	private static String names() {
		return String.join(", ", java.util.Arrays.stream(SignalType.values()).map(SignalType::value).toList());
	}

	private static WebhookSubscription map(ResultSet rs) throws SQLException {
		return new WebhookSubscription(rs.getObject("id", UUID.class), rs.getString("url"),
				List.of((String[]) rs.getArray("events").getArray()), rs.getString("description"),
				rs.getString("created_by"), instant(rs, "created_at"));
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp at = rs.getTimestamp(column);
		return (at != null) ? at.toInstant() : null;
	}

}
