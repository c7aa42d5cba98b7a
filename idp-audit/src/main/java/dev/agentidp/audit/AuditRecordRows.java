package dev.agentidp.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * How {@code audit_record} rows are read: the columns every read selects (the time as
 * epoch milliseconds, the canonical details text as hashed) and their mapping to an
 * {@link AuditRecord}.
 */
final class AuditRecordRows {

	static final String COLUMNS = """
			SELECT chain, seq, (extract(epoch FROM occurred_at) * 1000)::bigint AS occurred_ms, actor, action, target,
			       decision, reason, details_jcs, prev_hash, hash
			FROM audit_record""";

	private AuditRecordRows() {
	}

	static AuditRecord map(ResultSet rs, int row) throws SQLException {
		String decision = rs.getString("decision");
		return new AuditRecord(rs.getString("chain"), rs.getLong("seq"),
				Instant.ofEpochMilli(rs.getLong("occurred_ms")), rs.getString("actor"), rs.getString("action"),
				rs.getString("target"), "allow".equals(decision) ? Decision.ALLOW : Decision.DENY,
				rs.getString("reason"), StoredDetails.read(rs.getString("details_jcs")), rs.getString("prev_hash"),
				rs.getString("hash"));
	}

}
