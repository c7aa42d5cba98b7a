package dev.agentidp.audit;

import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HeapOrderVerifier} over rows built in memory with hashes computed by the rule:
 * which break it reports when several chains are broken or missing, whatever order the
 * rows and chains come in. ({@code AuditTamperTests} covers each kind of tampering on a
 * real database, one chain at a time.)
 */
class HeapOrderVerifierTests {

	private final RecordHashing hashing = new RecordHashing();

	/**
	 * Rows in arrival order: chain, seq, occurred ms, actor, action, target, decision,
	 * reason, details, prev, hash.
	 */
	private final List<Object[]> rows = new ArrayList<>();

	private final Map<String, ChainHead> heads = new HashMap<>();

	private final Map<String, String> last = new HashMap<>();

	@Test
	void interleavedIntactChainsAreValid() throws SQLException {
		for (int seq = 1; seq <= 3; seq++) {
			for (String chain : List.of("c-3", "c-1", "c-2")) {
				append(chain);
			}
		}
		assertThat(verify(this.heads, Map.of())).isEqualTo(new AuditVerification.Valid(3, 9));
	}

	@Test
	void ofSeveralBrokenChainsTheLowestNamedIsReported() throws SQLException {
		for (String chain : List.of("c-d", "c-b", "c-c", "c-a")) {
			append(chain);
			append(chain);
		}
		tamper("c-d", 2);
		tamper("c-b", 2);
		tamper("c-c", 1);
		AuditVerification result = verify(this.heads, Map.of());
		assertThat(result)
			.isEqualTo(new AuditVerification.Broken("c-b", 2L, "hash does not match the record's contents"));
	}

	@Test
	void ofSeveralChainsWithAHeadButNoRecordsTheLowestNamedIsReported() throws SQLException {
		append("c-1");
		Map<String, ChainHead> heads = new HashMap<>(this.heads);
		heads.put("gone-z", new ChainHead(4, "f".repeat(64)));
		heads.put("gone-m", new ChainHead(7, "e".repeat(64)));
		heads.put("gone-q", new ChainHead(2, "d".repeat(64)));
		assertThat(verify(heads, Map.of())).isEqualTo(new AuditVerification.Broken("gone-m", 1L,
				"chain missing: its head is at seq 7 but it has no records"));
	}

	@Test
	void ofSeveralChainsOnlyTheCheckpointStillNamesTheLowestNamedIsReported() throws SQLException {
		append("c-1");
		Map<String, ChainHead> signed = new HashMap<>(this.heads);
		signed.put("gone-y", new ChainHead(3, "f".repeat(64)));
		signed.put("gone-b", new ChainHead(5, "e".repeat(64)));
		assertThat(verify(this.heads, signed)).isEqualTo(new AuditVerification.Broken("gone-b", 1L,
				"chain missing: signed checkpoint 1 has its head at seq 5 but it has no records", 1L));
	}

	@Test
	void aBrokenChainIsReportedBeforeAMissingOne() throws SQLException {
		append("c-z");
		append("c-z");
		tamper("c-z", 2);
		Map<String, ChainHead> heads = new HashMap<>(this.heads);
		heads.put("a-gone", new ChainHead(1, "f".repeat(64)));
		AuditVerification.Broken broken = (AuditVerification.Broken) verify(heads, Map.of());
		assertThat(broken.chain()).isEqualTo("c-z");
		assertThat(broken.seq()).isEqualTo(2L);
	}

	@Test
	void aChainThatEndsBeforeItsHeadIsReportedAfterItsLastRecord() throws SQLException {
		append("c-1");
		append("c-2");
		append("c-2");
		Map<String, ChainHead> heads = new HashMap<>(this.heads);
		heads.put("c-2", new ChainHead(5, "f".repeat(64)));
		assertThat(verify(heads, Map.of())).isEqualTo(new AuditVerification.Broken("c-2", 3L,
				"records missing: the chain ends at seq 2 but its head is at seq 5"));
	}

	private void append(String chain) {
		long seq = this.heads.containsKey(chain) ? this.heads.get(chain).seq() + 1 : 1;
		String prev = this.last.getOrDefault(chain, RecordHashing.GENESIS);
		long occurred = 1_790_000_000_000L + this.rows.size();
		String details = "{\"n\": " + seq + "}";
		String hash = new String(this.hashing.hash(prev, chain, seq, occurred, "actor", "token.issued", "jti-" + seq,
				"allow", null, details));
		this.rows.add(new Object[] { chain, seq, occurred, "actor", "token.issued", "jti-" + seq, "allow", null,
				details, prev, hash });
		this.heads.put(chain, new ChainHead(seq, hash));
		this.last.put(chain, hash);
	}

	/** Changes a record's actor after its hash was computed. */
	private void tamper(String chain, long seq) {
		for (Object[] row : this.rows) {
			if (row[0].equals(chain) && ((Long) row[1]) == seq) {
				row[3] = "someone-else";
			}
		}
	}

	private AuditVerification verify(Map<String, ChainHead> heads, Map<String, ChainHead> signed) throws SQLException {
		HeapOrderVerifier verifier = new HeapOrderVerifier(heads, SignedHeads.of(signed), 1000);
		for (Object[] row : this.rows) {
			verifier.processRow(resultSet(row));
		}
		return verifier.result();
	}

	/** A result set positioned on one row: only the getters the verifier calls. */
	private static ResultSet resultSet(Object[] row) {
		return (ResultSet) Proxy.newProxyInstance(HeapOrderVerifierTests.class.getClassLoader(),
				new Class<?>[] { ResultSet.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getString" -> (String) row[(int) args[0] - 1];
					case "getLong" -> (Long) row[(int) args[0] - 1];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
