package dev.agentidp.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.postgresql.PGConnection;

/**
 * Puts many audit records into the provider's PostgreSQL, fast, for the verify phase: the
 * approach of idp-audit's {@code AuditVerifyBenchmark} (every hash computed in Java by
 * the rule of docs/audit.md "Contract", over interleaved chains, chain heads written in
 * the same transaction), re-implemented here because the load generator depends on no
 * project module, and streamed with {@code COPY} instead of JDBC batches. The chains are
 * named {@code 00000000-0000-4000-8000-<12 digits>}, ids no registered agent gets
 * (version 4 UUIDs are random). The records are valid: verify must answer
 * {@code valid: true}. {@code COPY} routes each row to the partition of its month (V26);
 * 300 records a millisecond from an hour ago, 20 million span about 67 seconds, so they
 * land in this month's partition (last month's at a month's turn: the provider makes that
 * one too). Measured on the project machine: a million in 22 s, partitioned.
 */
final class AuditSeeder {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private AuditSeeder() {
	}

	/**
	 * Inserts the records.
	 * @param jdbcUrl the provider's database
	 * @param records how many
	 * @param chains over how many chains
	 * @return the seconds it took
	 */
	static double seed(String jdbcUrl, int records, int chains) throws SQLException, IOException {
		long start = System.nanoTime();
		String[] prev = new String[chains];
		long[] seqs = new long[chains];
		String[] names = new String[chains];
		for (int c = 0; c < chains; c++) {
			prev[c] = "0".repeat(64);
			names[c] = "00000000-0000-4000-8000-" + String.format("%012d", c);
		}
		long base = Instant.now().minusSeconds(3600).toEpochMilli();
		try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
			connection.setAutoCommit(false);
			Reader rows = new Reader() {

				private final MessageDigest sha256 = sha256();

				private final StringBuilder canonical = new StringBuilder(512);

				private final StringBuilder line = new StringBuilder(1024);

				private int next;

				private int offset;

				@Override
				public int read(char[] buffer, int off, int len) {
					if (this.offset >= this.line.length()) {
						if (this.next >= records) {
							return -1;
						}
						fill(this.next++);
						this.offset = 0;
					}
					int n = Math.min(len, this.line.length() - this.offset);
					this.line.getChars(this.offset, this.offset + n, buffer, off);
					this.offset += n;
					return n;
				}

				private void fill(int i) {
					int c = i % chains;
					long seq = ++seqs[c];
					String at = TIME.format(Instant.ofEpochMilli(base + i / 300));
					String details = "{\"jti\":\"" + Long.toHexString(0x1000000000L + i) + "\",\"scope\":\"crm:read\"}";
					String actor = "client-" + (i % 97);
					String target = "jti-" + i;
					// RFC 8785 order: action, actor, chain, decision, details,
					// occurredAt,
					// reason, seq, target
					this.canonical.setLength(0);
					this.canonical.append(prev[c])
						.append('\n')
						.append("{\"action\":\"token.issued\",\"actor\":\"")
						.append(actor)
						.append("\",\"chain\":\"")
						.append(names[c])
						.append("\",\"decision\":\"allow\",\"details\":")
						.append(details)
						.append(",\"occurredAt\":\"")
						.append(at)
						.append("\",\"reason\":null,\"seq\":")
						.append(seq)
						.append(",\"target\":\"")
						.append(target)
						.append("\"}");
					byte[] digest = this.sha256.digest(this.canonical.toString().getBytes(StandardCharsets.UTF_8));
					String hash = hex(digest);
					this.line.setLength(0);
					this.line.append(names[c])
						.append('\t')
						.append(seq)
						.append('\t')
						.append(at)
						.append('\t')
						.append(actor)
						.append("\ttoken.issued\t")
						.append(target)
						.append("\tallow\t\\N\t")
						.append(details)
						.append('\t')
						.append(prev[c])
						.append('\t')
						.append(hash)
						.append('\n');
					prev[c] = hash;
				}

				@Override
				public void close() {
				}

			};
			connection.unwrap(PGConnection.class)
				.getCopyAPI()
				.copyIn("COPY audit_record (chain, seq, occurred_at, actor, action, target, decision, reason, details_jcs, "
						+ "prev_hash, hash) FROM STDIN", rows);
			try (var head = connection
				.prepareStatement("INSERT INTO audit_chain_head (chain, seq, hash) VALUES (?, ?, ?)")) {
				for (int c = 0; c < chains; c++) {
					if (seqs[c] > 0) {
						head.setString(1, names[c]);
						head.setLong(2, seqs[c]);
						head.setString(3, prev[c]);
						head.addBatch();
					}
				}
				head.executeBatch();
			}
			connection.commit();
			try (var analyze = connection.createStatement()) {
				connection.setAutoCommit(true);
				analyze.execute("VACUUM ANALYZE audit_record");
			}
		}
		return (System.nanoTime() - start) / 1e9;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(byte[] bytes) {
		char[] out = new char[bytes.length * 2];
		for (int i = 0; i < bytes.length; i++) {
			out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
			out[2 * i + 1] = HEX[bytes[i] & 0xf];
		}
		return new String(out);
	}

}
