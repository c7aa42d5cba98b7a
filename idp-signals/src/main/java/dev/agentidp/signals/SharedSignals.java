package dev.agentidp.signals;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.Refusals;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The OpenID Shared Signals Framework 1.0 transmitter: stream management for the
 * resource-server and admin clients that receive (SSF 1.0 §8.1.1 create, read, update,
 * replace, delete; §8.1.2 status; §8.1.4 verification), and RFC 8936 poll delivery. A
 * stream is its owner's alone: another client's stream is answered as unknown. A refused
 * request stores nothing and is recorded as {@code ssf.refused}.
 */
public final class SharedSignals {

	/** RFC 8935 push delivery. */
	public static final String PUSH = "urn:ietf:rfc:8935";

	/** RFC 8936 poll delivery. */
	public static final String POLL = "urn:ietf:rfc:8936";

	/** The path of a poll stream's endpoint, followed by the stream id. */
	public static final String POLL_PATH = "/ssf/poll/";

	/** The most streams one client may have. */
	public static final int MAX_STREAMS_PER_CLIENT = 10;

	/** The most SETs one poll returns. */
	public static final int MAX_EVENTS = 1000;

	static final int DEFAULT_EVENTS = 100;

	static final int MAX_ACKS = 1000;

	static final int MAX_AUTHORIZATION_LENGTH = 4096;

	/** How long a poll with {@code returnImmediately: false} waits for a SET at most. */
	static final Duration LONG_POLL = Duration.ofSeconds(10);

	private static final Duration LONG_POLL_STEP = Duration.ofMillis(100);

	private static final String COLUMNS = """
			id, client_id, iss, aud, delivery_method, endpoint_url, events_requested, events_delivered, description,
			status, status_reason, created_at, updated_at""";

	private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM ssf_stream WHERE id = ? AND client_id = ?";

	private static final String SELECT_OWN = "SELECT " + COLUMNS
			+ " FROM ssf_stream WHERE client_id = ? ORDER BY created_at, id";

	private static final String COUNT_OWN = "SELECT count(*) FROM ssf_stream WHERE client_id = ?";

	private static final String INSERT = """
			INSERT INTO ssf_stream (id, client_id, iss, aud, delivery_method, endpoint_url, authorization_enc,
			                        events_requested, events_delivered, description, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'enabled', ?, ?)
			""";

	private static final String UPDATE = """
			UPDATE ssf_stream SET delivery_method = ?, endpoint_url = ?, authorization_enc = ?, events_requested = ?,
			       events_delivered = ?, description = ?, updated_at = ?
			WHERE id = ? AND client_id = ?
			""";

	private static final String SELECT_AUTHORIZATION = "SELECT authorization_enc FROM ssf_stream WHERE id = ?";

	private static final String STATUS = """
			UPDATE ssf_stream SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND client_id = ?
			""";

	private static final String DELETE = "DELETE FROM ssf_stream WHERE id = ? AND client_id = ?";

	private static final String KNOWN_ACKS = """
			SELECT jti FROM ssf_set WHERE stream_id = ? AND status = 'pending' AND jti = ANY(?)
			""";

	private static final String ACK = "DELETE FROM ssf_set WHERE stream_id = ? AND jti = ANY(?)";

	private static final String PENDING = """
			SELECT jti, set_jwt FROM ssf_set WHERE stream_id = ? AND status = 'pending' ORDER BY created_at, jti LIMIT ?
			""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final Secrets secrets;

	private final OutboundUrls urls;

	private final SetQueue sets;

	private final Refusals refusals;

	private final Clock clock;

	SharedSignals(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events, Secrets secrets,
			OutboundUrls urls, SetQueue sets, Refusals refusals, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(secrets, "secrets cannot be null");
		Assert.notNull(urls, "urls cannot be null");
		Assert.notNull(sets, "sets cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.events = events;
		this.secrets = secrets;
		this.urls = urls;
		this.sets = sets;
		this.refusals = refusals;
		this.clock = clock;
	}

	/**
	 * The event types a stream may request (SSF 1.0 §8.1.1 {@code events_supported}).
	 * @return the event type URIs
	 */
	public List<String> eventsSupported() {
		return SecurityEvents.SUPPORTED;
	}

	/**
	 * Creates a stream (SSF 1.0 §8.1.1.1), enabled.
	 * @param clientId the receiving client, its owner and the {@code aud} of its SETs
	 * @param issuer the {@code iss} of its SETs
	 * @param configuration what the receiver asked for
	 * @param source where the request came from, for the refusal's record
	 * @return the stream
	 * @throws InvalidSignalRequestException when refused (nothing stored)
	 */
	public SsfStream create(String clientId, String issuer, StreamConfiguration configuration, String source) {
		Assert.hasText(clientId, "clientId cannot be empty");
		Assert.hasText(issuer, "issuer cannot be empty");
		return refusing(clientId, source, () -> {
			Checked checked = check(configuration, null);
			UUID id = UUID.randomUUID();
			String endpoint = PUSH.equals(checked.method()) ? checked.endpointUrl() : issuer + POLL_PATH + id;
			Instant now = this.clock.instant();
			this.transactions.executeWithoutResult((status) -> {
				if (this.jdbc.sql(COUNT_OWN).param(clientId).query(Long.class).single() >= MAX_STREAMS_PER_CLIENT) {
					throw new InvalidSignalRequestException("the client already has " + MAX_STREAMS_PER_CLIENT
							+ " streams, the most one client may have");
				}
				this.jdbc.sql(INSERT)
					.params(id, clientId, issuer, clientId, checked.method(), endpoint,
							seal(checked.authorization(), id), checked.requested().toArray(String[]::new),
							checked.requested().toArray(String[]::new), checked.description(), Timestamp.from(now),
							Timestamp.from(now))
					.update();
				this.events.publishEvent(new SignalsChanged("ssf.stream.created", id.toString(), clientId,
						summary(checked.method(), endpoint, checked.requested())));
			});
			return get(clientId, id);
		});
	}

	/**
	 * A stream of the client's (SSF 1.0 §8.1.1.2).
	 * @param clientId the client
	 * @param streamId the stream
	 * @return the stream
	 * @throws SignalNotFoundException when the client has no such stream
	 */
	public SsfStream get(String clientId, UUID streamId) {
		return this.jdbc.sql(SELECT_ONE)
			.params(streamId, clientId)
			.query((rs, row) -> map(rs))
			.optional()
			.orElseThrow(() -> new SignalNotFoundException("No stream " + streamId + " of this client"));
	}

	/**
	 * The client's streams, oldest first.
	 * @param clientId the client
	 * @return its streams
	 */
	public List<SsfStream> list(String clientId) {
		return this.jdbc.sql(SELECT_OWN).param(clientId).query((rs, row) -> map(rs)).list();
	}

	/**
	 * Updates a stream (SSF 1.0 §8.1.1.3, PATCH: the members given) or replaces what the
	 * receiver sets (§8.1.1.4, PUT: every member, those left out back to none).
	 * @param clientId the client
	 * @param streamId the stream
	 * @param configuration the members given
	 * @param replace whether this is a replacement
	 * @param source where the request came from, for the refusal's record
	 * @return the stream as it is now
	 */
	public SsfStream update(String clientId, UUID streamId, StreamConfiguration configuration, boolean replace,
			String source) {
		return refusing(clientId, source, () -> {
			SsfStream current = get(clientId, streamId);
			StreamConfiguration merged = replace ? configuration : new StreamConfiguration(
					(configuration.deliveryMethod() != null) ? configuration.deliveryMethod()
							: current.deliveryMethod(),
					(configuration.endpointUrl() != null) ? configuration.endpointUrl()
							: (PUSH.equals(current.deliveryMethod()) ? current.endpointUrl() : null),
					configuration.authorizationHeader(),
					(configuration.eventsRequested() != null) ? configuration.eventsRequested()
							: current.eventsRequested(),
					(configuration.description() != null) ? configuration.description() : current.description());
			Checked checked = check(merged, current);
			String endpoint = PUSH.equals(checked.method()) ? checked.endpointUrl()
					: current.issuer() + POLL_PATH + streamId;
			byte[] authorization = (checked.authorization() != null) ? seal(checked.authorization(), streamId)
					: (!replace && PUSH.equals(checked.method()) ? storedAuthorization(streamId) : null);
			this.transactions.executeWithoutResult((status) -> {
				this.jdbc.sql(UPDATE)
					.params(checked.method(), endpoint, authorization, checked.requested().toArray(String[]::new),
							checked.requested().toArray(String[]::new), checked.description(),
							Timestamp.from(this.clock.instant()), streamId, clientId)
					.update();
				this.events.publishEvent(new SignalsChanged("ssf.stream.updated", streamId.toString(), clientId,
						summary(checked.method(), endpoint, checked.requested())));
			});
			return get(clientId, streamId);
		});
	}

	/**
	 * Deletes a stream with its undelivered SETs (SSF 1.0 §8.1.1.5).
	 * @param clientId the client
	 * @param streamId the stream
	 * @throws SignalNotFoundException when the client has no such stream
	 */
	public void delete(String clientId, UUID streamId) {
		this.transactions.executeWithoutResult((status) -> {
			if (this.jdbc.sql(DELETE).params(streamId, clientId).update() == 0) {
				throw new SignalNotFoundException("No stream " + streamId + " of this client");
			}
			this.events.publishEvent(new SignalsChanged("ssf.stream.deleted", streamId.toString(), clientId, Map.of()));
		});
	}

	/**
	 * Sets a stream's status (SSF 1.0 §8.1.2.2): {@code enabled}, {@code paused} (SETs
	 * are kept and delivered once enabled again) or {@code disabled} (no SETs are made).
	 * @param clientId the client
	 * @param streamId the stream
	 * @param status the new status
	 * @param reason why, or {@code null}
	 * @param source where the request came from, for the refusal's record
	 * @return the stream as it is now
	 */
	public SsfStream setStatus(String clientId, UUID streamId, String status, String reason, String source) {
		return refusing(clientId, source, () -> {
			get(clientId, streamId);
			if (status == null || !Set.of("enabled", "paused", "disabled").contains(status)) {
				throw new InvalidSignalRequestException("status: must be enabled, paused or disabled");
			}
			if (reason != null && reason.length() > Webhooks.MAX_DESCRIPTION_LENGTH) {
				throw new InvalidSignalRequestException(
						"reason: must be at most " + Webhooks.MAX_DESCRIPTION_LENGTH + " characters");
			}
			this.transactions.executeWithoutResult((tx) -> {
				this.jdbc.sql(STATUS)
					.params(status, reason, Timestamp.from(this.clock.instant()), streamId, clientId)
					.update();
				this.events.publishEvent(new SignalsChanged("ssf.stream.status", streamId.toString(), clientId,
						Map.of("status", status)));
			});
			return get(clientId, streamId);
		});
	}

	/**
	 * Queues a verification event on the stream (SSF 1.0 §8.1.4.2), delivered as any SET.
	 * @param clientId the client
	 * @param streamId the stream
	 * @param state the receiver's {@code state}, echoed, or {@code null}
	 * @param source where the request came from, for the refusal's record
	 */
	public void verify(String clientId, UUID streamId, String state, String source) {
		refusing(clientId, source, () -> {
			SsfStream stream = get(clientId, streamId);
			if (state != null && state.length() > Webhooks.MAX_DESCRIPTION_LENGTH) {
				throw new InvalidSignalRequestException(
						"state: must be at most " + Webhooks.MAX_DESCRIPTION_LENGTH + " characters");
			}
			if ("disabled".equals(stream.status())) {
				throw new InvalidSignalRequestException("the stream is disabled: enable it first");
			}
			this.sets.insert(streamId, stream.issuer(), stream.audience(), null,
					SecurityEvents.verification(streamId.toString(), state), this.clock.instant());
			return null;
		});
	}

	/**
	 * An RFC 8936 poll: acknowledges first (every jti acknowledged or reported must be a
	 * SET waiting on this stream, else nothing changes: §2.4 {@code invalid_request}),
	 * then returns the oldest waiting SETs; with {@code returnImmediately: false} it
	 * waits up to 10 s for one when none waits.
	 * @param clientId the client
	 * @param streamId the stream, a poll stream of the client
	 * @param request the poll
	 * @param source where the request came from, for the refusal's record
	 * @return the SETs
	 * @throws InvalidSignalRequestException {@code invalid_request}
	 */
	public PollResult poll(String clientId, UUID streamId, PollRequest request, String source) {
		return refusing(clientId, source, () -> {
			SsfStream stream = get(clientId, streamId);
			if (!POLL.equals(stream.deliveryMethod())) {
				throw new InvalidSignalRequestException("the stream delivers by push, not poll");
			}
			int max = (request.maxEvents() != null) ? request.maxEvents() : DEFAULT_EVENTS;
			if (max < 0 || max > MAX_EVENTS) {
				throw new InvalidSignalRequestException("maxEvents: must be between 0 and " + MAX_EVENTS);
			}
			Set<String> acknowledged = new LinkedHashSet<>(request.ack());
			acknowledged.addAll(request.setErrs());
			if (acknowledged.size() > MAX_ACKS) {
				throw new InvalidSignalRequestException("ack: at most " + MAX_ACKS + " jtis at once");
			}
			if (!acknowledged.isEmpty()) {
				this.transactions.executeWithoutResult((status) -> {
					String[] jtis = acknowledged.toArray(String[]::new);
					Set<String> known = new HashSet<>(this.jdbc.sql(KNOWN_ACKS + " FOR UPDATE")
						.params(streamId, jtis)
						.query(String.class)
						.list());
					for (String jti : acknowledged) {
						if (!known.contains(jti)) {
							throw new InvalidSignalRequestException("ack: \"" + Texts.shown(String.valueOf(jti))
									+ "\" is no SET waiting on this stream");
						}
					}
					this.jdbc.sql(ACK).params(streamId, jtis).update();
				});
			}
			if (max == 0 || !"enabled".equals(stream.status())) {
				return new PollResult(Map.of(), false);
			}
			Instant until = Instant.now().plus(LONG_POLL);
			while (true) {
				List<String[]> waiting = this.jdbc.sql(PENDING)
					.params(streamId, max + 1)
					.query((rs, row) -> new String[] { rs.getString("jti"), rs.getString("set_jwt") })
					.list();
				if (!waiting.isEmpty() || request.returnImmediately() || Instant.now().isAfter(until)) {
					Map<String, String> sets = new LinkedHashMap<>();
					waiting.stream().limit(max).forEach((set) -> sets.put(set[0], set[1]));
					return new PollResult(sets, waiting.size() > max);
				}
				try {
					Thread.sleep(LONG_POLL_STEP);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return new PollResult(Map.of(), false);
				}
			}
		});
	}

	private Checked check(StreamConfiguration configuration, SsfStream current) {
		if (configuration == null) {
			throw new InvalidSignalRequestException("body: must be a JSON object");
		}
		String method = configuration.deliveryMethod();
		if (method == null) {
			throw new InvalidSignalRequestException("delivery.method: is required (" + PUSH + " or " + POLL + ")");
		}
		if (!PUSH.equals(method) && !POLL.equals(method)) {
			throw new InvalidSignalRequestException(
					"delivery.method: \"" + Texts.shown(method) + "\" is not supported (" + PUSH + " or " + POLL + ")");
		}
		String endpoint = null;
		String authorization = configuration.authorizationHeader();
		if (PUSH.equals(method)) {
			endpoint = configuration.endpointUrl();
			this.urls.check(endpoint, "delivery.endpoint_url");
			if (authorization != null && (authorization.isEmpty() || authorization.length() > MAX_AUTHORIZATION_LENGTH
					|| !authorization.chars().allMatch((c) -> c >= 0x20 && c < 0x7f))) {
				throw new InvalidSignalRequestException("delivery.authorization_header: must be 1 to "
						+ MAX_AUTHORIZATION_LENGTH + " printable ASCII characters");
			}
		}
		else {
			boolean ownUrl = current != null && configuration.endpointUrl() != null
					&& configuration.endpointUrl().equals(current.endpointUrl());
			if (configuration.endpointUrl() != null && !ownUrl) {
				throw new InvalidSignalRequestException(
						"delivery.endpoint_url: is given by the transmitter for poll delivery (leave it out)");
			}
			if (authorization != null) {
				throw new InvalidSignalRequestException(
						"delivery.authorization_header: is for push delivery only (poll with your access token)");
			}
		}
		List<String> requested = configuration.eventsRequested();
		if (requested == null || requested.isEmpty()) {
			throw new InvalidSignalRequestException(
					"events_requested: must name at least one of " + SecurityEvents.SUPPORTED);
		}
		Set<String> types = new LinkedHashSet<>();
		for (String type : requested) {
			if (type == null || !SecurityEvents.SUPPORTED.contains(type)) {
				throw new InvalidSignalRequestException(
						"events_requested: " + ((type != null) ? "\"" + Texts.shown(type) + "\"" : "null")
								+ " is not an event type this transmitter supports ("
								+ String.join(", ", SecurityEvents.SUPPORTED) + ")");
			}
			types.add(type);
		}
		String description = configuration.description();
		if (description != null && description.length() > Webhooks.MAX_DESCRIPTION_LENGTH) {
			throw new InvalidSignalRequestException(
					"description: must be at most " + Webhooks.MAX_DESCRIPTION_LENGTH + " characters");
		}
		return new Checked(method, endpoint, authorization, new ArrayList<>(types), description);
	}

	private byte[] seal(String authorization, UUID streamId) {
		return (authorization != null) ? this.secrets.seal(authorization, "ssf", streamId) : null;
	}

	private byte[] storedAuthorization(UUID streamId) {
		return this.jdbc.sql(SELECT_AUTHORIZATION).param(streamId).query(byte[].class).optional().orElse(null);
	}

	private <T> T refusing(String clientId, String source, Supplier<T> work) {
		try {
			return work.get();
		}
		catch (InvalidSignalRequestException ex) {
			this.refusals.refused(new AuditEntry(AuditEntry.SYSTEM_CHAIN, clientId, "ssf.refused", null, Decision.DENY,
					ex.getMessage(), Map.of()), source);
			throw ex;
		}
	}

	private static Map<String, Object> summary(String method, String endpoint, List<String> events) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("deliveryMethod", method);
		details.put("endpointUrl", endpoint);
		details.put("eventsDelivered", events);
		return details;
	}

	private static SsfStream map(ResultSet rs) throws SQLException {
		return new SsfStream(rs.getObject("id", UUID.class), rs.getString("client_id"), rs.getString("iss"),
				rs.getString("aud"), rs.getString("delivery_method"), rs.getString("endpoint_url"),
				List.of((String[]) rs.getArray("events_requested").getArray()),
				List.of((String[]) rs.getArray("events_delivered").getArray()), rs.getString("description"),
				rs.getString("status"), rs.getString("status_reason"), Webhooks.instant(rs, "created_at"),
				Webhooks.instant(rs, "updated_at"));
	}

	private record Checked(String method, String endpointUrl, String authorization, List<String> requested,
			String description) {
	}

}
