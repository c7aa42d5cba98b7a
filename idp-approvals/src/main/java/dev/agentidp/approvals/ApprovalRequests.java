package dev.agentidp.approvals;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.registry.AgentId;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The {@code approval_request} rows (V16), keyed by id and by the SHA-256 of the
 * {@code auth_req_id}. A poll and a decision lock the row ({@code FOR UPDATE}) inside the
 * caller's transaction; a use of the approval is one conditional {@code UPDATE}.
 */
final class ApprovalRequests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String COLUMNS = """
			id, client_id, agent_id, owner, scopes, authorization_details::text AS details, binding_message,
			login_hint, approver_roles, status, decided_by, decided_at, comment, created_at, expires_at,
			poll_interval_seconds, last_poll_at, token_issued_at, max_uses, uses""";

	private static final String INSERT = """
			INSERT INTO approval_request (id, auth_req_hash, client_id, agent_id, owner, scopes, authorization_details,
				binding_message, login_hint, approver_roles, status, created_at, expires_at, poll_interval_seconds,
				max_uses)
			VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, 'pending', ?, ?, ?, ?)""";

	private static final String LOCK_BY_HASH = "SELECT " + COLUMNS
			+ " FROM approval_request WHERE auth_req_hash = ? FOR UPDATE";

	private static final String LOCK_BY_ID = "SELECT " + COLUMNS + " FROM approval_request WHERE id = ? FOR UPDATE";

	private static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM approval_request WHERE id = ?";

	private static final String POLLED = "UPDATE approval_request SET last_poll_at = ? WHERE id = ?";

	private static final String EXPIRE = "UPDATE approval_request SET status = 'expired' WHERE id = ? AND status = 'pending'";

	private static final String DECIDE = """
			UPDATE approval_request SET status = ?, decided_by = ?, decided_at = ?, comment = ?
			WHERE id = ? AND status = 'pending'""";

	private static final String TOKEN_ISSUED = """
			UPDATE approval_request SET token_issued_at = ?, token_jti = ?, last_poll_at = ?
			WHERE id = ? AND token_issued_at IS NULL""";

	/**
	 * One use of an approval by the policy decision point: counted only while within
	 * {@code max_uses}, so that no two nodes together allow more.
	 */
	private static final String USE = """
			UPDATE approval_request SET uses = uses + 1
			WHERE id = ? AND status = 'approved' AND uses < max_uses""";

	private static final String RELEASE = "UPDATE approval_request SET uses = uses - 1 WHERE id = ? AND uses > 0";

	private final JdbcClient jdbc;

	ApprovalRequests(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	void insert(Row row, byte[] authReqHash) {
		this.jdbc.sql(INSERT)
			.params(row.id().value(), authReqHash, row.clientId(), row.agentId().value(), row.owner(),
					row.scopes().toArray(String[]::new),
					JSON.writeValueAsString(AuthorizationDetail.claim(row.details())), row.bindingMessage(),
					row.loginHint(), row.approverRoles().toArray(String[]::new), Timestamp.from(row.createdAt()),
					Timestamp.from(row.expiresAt()), row.pollIntervalSeconds(), row.maxUses())
			.update();
	}

	Optional<Row> lockByHash(byte[] authReqHash) {
		return this.jdbc.sql(LOCK_BY_HASH).param(authReqHash).query((rs, n) -> map(rs)).optional();
	}

	Optional<Row> lock(ApprovalId id) {
		return this.jdbc.sql(LOCK_BY_ID).param(id.value()).query((rs, n) -> map(rs)).optional();
	}

	Optional<Row> find(ApprovalId id) {
		return this.jdbc.sql(SELECT_BY_ID).param(id.value()).query((rs, n) -> map(rs)).optional();
	}

	void polled(ApprovalId id, Instant at) {
		this.jdbc.sql(POLLED).params(Timestamp.from(at), id.value()).update();
	}

	boolean expire(ApprovalId id) {
		return this.jdbc.sql(EXPIRE).param(id.value()).update() == 1;
	}

	boolean decide(ApprovalId id, ApprovalStatus status, String by, Instant at, String comment) {
		return this.jdbc.sql(DECIDE).params(status.value(), by, Timestamp.from(at), comment, id.value()).update() == 1;
	}

	boolean tokenIssued(ApprovalId id, String jti, Instant at) {
		return this.jdbc.sql(TOKEN_ISSUED)
			.params(Timestamp.from(at), jti, Timestamp.from(at), id.value())
			.update() == 1;
	}

	boolean use(ApprovalId id) {
		return this.jdbc.sql(USE).param(id.value()).update() == 1;
	}

	void release(ApprovalId id) {
		this.jdbc.sql(RELEASE).param(id.value()).update();
	}

	/**
	 * A page of requests, oldest first, after a cursor; a pending request past its expiry
	 * is not pending.
	 */
	List<Row> list(ApprovalFilter filter, String cursor, int limit, Instant now) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM approval_request WHERE true");
		List<Object> params = new ArrayList<>();
		if (filter.status() != null) {
			switch (filter.status()) {
				case PENDING -> {
					sql.append(" AND status = 'pending' AND expires_at > ?");
					params.add(Timestamp.from(now));
				}
				case EXPIRED -> {
					sql.append(" AND (status = 'expired' OR (status = 'pending' AND expires_at <= ?))");
					params.add(Timestamp.from(now));
				}
				default -> {
					sql.append(" AND status = ?");
					params.add(filter.status().value());
				}
			}
		}
		if (filter.agentId() != null) {
			sql.append(" AND agent_id = ?");
			params.add(filter.agentId().value());
		}
		if (filter.decidableBy() != null) {
			// filtered here, not after the page is read, so that a page is full when more
			// requests this person may decide exist
			String[] roles = filter.decidableBy()
				.roles()
				.stream()
				.filter((role) -> role.startsWith(Approver.ROLE_PREFIX))
				.map((role) -> role.substring(Approver.ROLE_PREFIX.length()))
				.toArray(String[]::new);
			sql.append(" AND approver_roles && ?::text[] AND (login_hint IS NULL OR lower(login_hint) = lower(?))");
			params.add(roles);
			params.add(filter.decidableBy().email());
		}
		Cursor after = Cursor.parse(cursor);
		if (after != null) {
			sql.append(" AND (created_at, id) > (?, ?)");
			params.add(Timestamp.from(after.createdAt()));
			params.add(after.id());
		}
		sql.append(" ORDER BY created_at, id LIMIT ?");
		params.add(limit);
		return this.jdbc.sql(sql.toString()).params(params).query((rs, n) -> map(rs)).list();
	}

	private static Row map(ResultSet rs) throws SQLException {
		List<AuthorizationDetail> details = AuthorizationDetail
			.fromClaim(JSON.readValue(rs.getString("details"), List.class));
		return new Row(new ApprovalId(rs.getObject("id", UUID.class)), rs.getString("client_id"),
				AgentId.of(rs.getObject("agent_id", UUID.class)), rs.getString("owner"),
				new LinkedHashSet<>(strings(rs.getArray("scopes"))), details, rs.getString("binding_message"),
				rs.getString("login_hint"), strings(rs.getArray("approver_roles")),
				ApprovalStatus.of(rs.getString("status")), rs.getString("decided_by"), instant(rs, "decided_at"),
				rs.getString("comment"), instant(rs, "created_at"), instant(rs, "expires_at"),
				rs.getInt("poll_interval_seconds"), instant(rs, "last_poll_at"), instant(rs, "token_issued_at"),
				rs.getInt("max_uses"), rs.getInt("uses"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? Arrays.asList((String[]) array.getArray()) : List.of();
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

	/**
	 * One row.
	 */
	record Row(ApprovalId id, String clientId, AgentId agentId, String owner, Set<String> scopes,
			List<AuthorizationDetail> details, String bindingMessage, String loginHint, List<String> approverRoles,
			ApprovalStatus status, String decidedBy, Instant decidedAt, String comment, Instant createdAt,
			Instant expiresAt, int pollIntervalSeconds, Instant lastPollAt, Instant tokenIssuedAt, int maxUses,
			int uses) {

		ApprovalRequest view(Instant now) {
			ApprovalStatus shown = (this.status == ApprovalStatus.PENDING && !now.isBefore(this.expiresAt))
					? ApprovalStatus.EXPIRED : this.status;
			ApprovalRequest.Decided decision = (this.decidedBy != null)
					? new ApprovalRequest.Decided(this.decidedBy, this.decidedAt, this.comment) : null;
			return new ApprovalRequest(this.id, this.agentId, this.clientId, this.owner, this.scopes, this.details,
					this.bindingMessage, this.loginHint, this.approverRoles, shown, decision, this.createdAt,
					this.expiresAt, this.uses);
		}

	}

	/** The keyset cursor: the last row's creation time and id. */
	record Cursor(Instant createdAt, UUID id) {

		static Cursor parse(String cursor) {
			if (cursor == null || cursor.isEmpty()) {
				return null;
			}
			try {
				String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("/",
						2);
				return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
			}
			catch (RuntimeException ex) {
				throw new dev.agentidp.registry.InvalidInputException("cursor",
						"must be a cursor from a previous page");
			}
		}

		static String of(Row row) {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString((row.createdAt() + "/" + row.id()).getBytes(StandardCharsets.UTF_8));
		}

	}

}
