package dev.agentidp.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The whole trail, or one chain, read from a database cursor so that memory does not grow
 * with it: verified ({@link HeapOrderVerifier}, else {@link TrailVerifier}) or exported
 * as JSON Lines. Runs in the caller's snapshot.
 */
final class AuditStreams {

	private static final int STREAM_FETCH_SIZE = 2000;

	private static final String STREAM_ALL = AuditRecordRows.COLUMNS + " ORDER BY chain, seq";

	private static final String STREAM_CHAIN = AuditRecordRows.COLUMNS + " WHERE chain = ? ORDER BY seq";

	private static final String SCAN_ALL = AuditRecordRows.COLUMNS;

	private static final String SCAN_CHAIN = AuditRecordRows.COLUMNS + " WHERE chain = ?";

	private final JdbcClient streaming;

	AuditStreams(DataSource dataSource) {
		JdbcTemplate cursor = new JdbcTemplate(dataSource);
		cursor.setFetchSize(STREAM_FETCH_SIZE);
		this.streaming = JdbcClient.create(cursor);
	}

	/**
	 * Verifies in physical order, falling back to index order when too many records
	 * arrive before their predecessors. Runs in the caller's snapshot.
	 */
	AuditVerification verify(String chain, Map<String, ChainHead> heads, SignedHeads signed, int maxPending) {
		HeapOrderVerifier scan = new HeapOrderVerifier(heads, signed, maxPending);
		try {
			if (chain == null) {
				this.streaming.sql(SCAN_ALL).query(scan);
			}
			else {
				this.streaming.sql(SCAN_CHAIN).param(chain).query(scan);
			}
			return scan.result();
		}
		catch (HeapOrderVerifier.TooManyPending ex) {
			TrailVerifier verifier = new TrailVerifier(heads, signed);
			if (chain == null) {
				this.streaming.sql(STREAM_ALL).query(verifier);
			}
			else {
				this.streaming.sql(STREAM_CHAIN).param(chain).query(verifier);
			}
			return verifier.result();
		}
	}

	/**
	 * Writes the trail (or one chain) as JSON Lines, ordered by chain and sequence
	 * number.
	 * @param chain one chain, or {@code null} for all
	 * @param out where to write (UTF-8); not closed
	 */
	void write(String chain, OutputStream out) {
		Writer writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8),
				64 * 1024);
		StringBuilder line = new StringBuilder(512);
		StringBuilder time = new StringBuilder(24);
		RowCallbackHandler handler = (rs) -> {
			line.setLength(0);
			time.setLength(0);
			RecordHashing.appendTime(time, rs.getLong("occurred_ms"));
			exportLine(line, rs.getString("chain"), rs.getLong("seq"), time, rs.getString("actor"),
					rs.getString("action"), rs.getString("target"), rs.getString("decision"), rs.getString("reason"),
					rs.getString("details_jcs"), rs.getString("prev_hash"), rs.getString("hash"));
			line.append('\n');
			try {
				writer.append(line);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
		if (chain == null) {
			this.streaming.sql(STREAM_ALL).query(handler);
		}
		else {
			this.streaming.sql(STREAM_CHAIN).param(chain).query(handler);
		}
		try {
			writer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One line of the export: the record as RFC 8785 text (members in UTF-16 order), with
	 * the stored canonical details spliced in as they were hashed, so the export carries
	 * the very bytes the hash covers (and no parse is needed).
	 */
	static void exportLine(StringBuilder out, String chain, long seq, CharSequence occurredAt, String actor,
			String action, String target, String decision, String reason, String canonicalDetails, String prevHash,
			String hash) {
		out.append("{\"action\":");
		CanonicalJson.write(out, action);
		out.append(",\"actor\":");
		CanonicalJson.write(out, actor);
		out.append(",\"chain\":");
		CanonicalJson.write(out, chain);
		out.append(",\"decision\":");
		CanonicalJson.write(out, decision);
		out.append(",\"details\":").append(canonicalDetails).append(",\"hash\":");
		CanonicalJson.write(out, hash);
		out.append(",\"occurredAt\":\"").append(occurredAt).append("\",\"prevHash\":");
		CanonicalJson.write(out, prevHash);
		out.append(",\"reason\":");
		CanonicalJson.write(out, reason);
		out.append(",\"seq\":").append(seq).append(",\"target\":");
		CanonicalJson.write(out, target);
		out.append('}');
	}

}
