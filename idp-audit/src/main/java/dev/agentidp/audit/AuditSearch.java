package dev.agentidp.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * Pages of audit records, newest first, filtered by chain, actor, action, decision and
 * time, with an opaque keyset cursor (docs/audit.md "Contract").
 */
final class AuditSearch {

	private static final String ORDER_NEWEST_FIRST = " ORDER BY occurred_at DESC, chain DESC, seq DESC LIMIT ?";

	private static final String CURSOR_PREFIX = "v1:";

	private final JdbcClient jdbc;

	AuditSearch(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	/**
	 * Reads a page of records, newest first.
	 * @param query the filters and the page
	 * @return the page
	 * @throws InvalidAuditQueryException when the cursor cannot be read
	 */
	AuditPage find(AuditQuery query) {
		Assert.notNull(query, "query cannot be null");
		StringBuilder sql = new StringBuilder(AuditRecordRows.COLUMNS).append(" WHERE true");
		List<Object> params = new ArrayList<>();
		if (query.chain() != null) {
			sql.append(" AND chain = ?");
			params.add(query.chain());
		}
		if (query.actor() != null) {
			sql.append(" AND actor = ?");
			params.add(query.actor());
		}
		if (query.action() != null) {
			sql.append(" AND action = ?");
			params.add(query.action());
		}
		if (query.decision() != null) {
			sql.append(" AND decision = ?");
			params.add(query.decision().value());
		}
		if (query.from() != null) {
			sql.append(" AND occurred_at >= ?");
			params.add(query.from().atOffset(ZoneOffset.UTC));
		}
		if (query.to() != null) {
			sql.append(" AND occurred_at < ?");
			params.add(query.to().atOffset(ZoneOffset.UTC));
		}
		if (query.cursor() != null) {
			Cursor cursor = Cursor.decode(query.cursor());
			sql.append(" AND (occurred_at, chain, seq) < (?, ?, ?)");
			params.add(Instant.ofEpochMilli(cursor.occurredAtMillis()).atOffset(ZoneOffset.UTC));
			params.add(cursor.chain());
			params.add(cursor.seq());
		}
		sql.append(ORDER_NEWEST_FIRST);
		params.add(query.limit() + 1);
		List<AuditRecord> records = this.jdbc.sql(sql.toString()).params(params).query(AuditRecordRows::map).list();
		if (records.size() <= query.limit()) {
			return new AuditPage(records, null);
		}
		List<AuditRecord> page = records.subList(0, query.limit());
		AuditRecord last = page.get(page.size() - 1);
		return new AuditPage(page, new Cursor(last.occurredAt().toEpochMilli(), last.seq(), last.chain()).encode());
	}

	/**
	 * The position after the last record of a page: opaque to clients.
	 */
	private record Cursor(long occurredAtMillis, long seq, String chain) {

		String encode() {
			String raw = CURSOR_PREFIX + this.occurredAtMillis + ":" + this.seq + ":" + this.chain;
			return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
		}

		static Cursor decode(String cursor) {
			try {
				String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
				if (!raw.startsWith(CURSOR_PREFIX)) {
					throw new IllegalArgumentException("unknown cursor version");
				}
				String[] parts = raw.substring(CURSOR_PREFIX.length()).split(":", 3);
				if (parts.length != 3 || parts[2].isEmpty()) {
					throw new IllegalArgumentException("malformed cursor");
				}
				long occurredAt = Long.parseLong(parts[0]);
				// within PostgreSQL's timestamps (a cursor this API made always is)
				if (!AuditQuery.inRange(Instant.ofEpochMilli(occurredAt))) {
					throw new IllegalArgumentException("cursor time out of range");
				}
				return new Cursor(occurredAt, Long.parseLong(parts[1]), parts[2]);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidAuditQueryException("cursor", "The cursor is not one this API returned");
			}
		}

	}

}
