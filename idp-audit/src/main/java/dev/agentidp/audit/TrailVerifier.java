package dev.agentidp.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Verifies a stream of records ordered by chain and sequence number: one SHA-256 per
 * record, buffers reused, stops at the first break. Not thread-safe; one per run.
 */
final class TrailVerifier implements RowCallbackHandler {

	private final RecordHashing hashing = new RecordHashing();

	private final Map<String, ChainHead> heads;

	private final SignedHeads signed;

	private final Set<String> seen = new HashSet<>();

	private String chain;

	private long expectedSeq;

	private String prevHash;

	private NavigableMap<Long, SignedHeads.Signed> signedHeads;

	private long chains;

	private long records;

	private AuditVerification.Broken broken;

	/**
	 * @param heads the head of each chain from the head table
	 * @param signed every head of each chain that a signed checkpoint holds
	 */
	TrailVerifier(Map<String, ChainHead> heads, SignedHeads signed) {
		this.heads = heads;
		this.signed = signed;
	}

	@Override
	public void processRow(ResultSet rs) throws SQLException {
		if (this.broken != null) {
			return;
		}
		String recordChain = rs.getString(1);
		if (!recordChain.equals(this.chain)) {
			if (this.chain != null && !endChain()) {
				return;
			}
			this.chain = recordChain;
			this.expectedSeq = 1;
			this.prevHash = RecordHashing.GENESIS;
			this.signedHeads = this.signed.of(recordChain);
			this.seen.add(recordChain);
			this.chains++;
		}
		long seq = rs.getLong(2);
		if (seq != this.expectedSeq) {
			fail(this.expectedSeq, "record missing: the next record in the chain has seq " + seq);
			return;
		}
		String storedPrev = rs.getString(10);
		if (!this.prevHash.equals(storedPrev)) {
			fail(seq, "prevHash does not match the hash of the previous record");
			return;
		}
		String stored = rs.getString(11);
		char[] computed = this.hashing.hash(this.prevHash, recordChain, seq, rs.getLong(3), rs.getString(4),
				rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
		if (!RecordHashing.matches(computed, stored)) {
			fail(seq, "hash does not match the record's contents");
			return;
		}
		SignedHeads.Signed signedHead = (this.signedHeads != null) ? this.signedHeads.get(seq) : null;
		if (signedHead != null && !signedHead.hash().equals(stored)) {
			fail(seq, "record differs from signed checkpoint " + signedHead.checkpoint() + " (the chain was rewritten)",
					signedHead.checkpoint());
			return;
		}
		this.prevHash = stored;
		this.expectedSeq++;
		this.records++;
	}

	/** Checks the end of the current chain against its head and the checkpoint. */
	private boolean endChain() {
		long last = this.expectedSeq - 1;
		ChainHead head = this.heads.get(this.chain);
		if (head == null) {
			fail(1, "the chain has no head: records exist that the trail never appended");
			return false;
		}
		if (head.seq() > last) {
			fail(last + 1, "records missing: the chain ends at seq " + last + " but its head is at seq " + head.seq());
			return false;
		}
		if (head.seq() != last || !head.hash().equals(this.prevHash)) {
			fail(last, "the chain's last record does not match its head");
			return false;
		}
		if (this.signedHeads != null && this.signedHeads.lastKey() > last) {
			SignedHeads.Signed newest = this.signedHeads.lastEntry().getValue();
			fail(last + 1, "records missing: signed checkpoint " + newest.checkpoint() + " has the chain's head at seq "
					+ this.signedHeads.lastKey() + " but the chain ends at seq " + last, newest.checkpoint());
			return false;
		}
		return true;
	}

	private void fail(long seq, String reason) {
		this.broken = new AuditVerification.Broken(this.chain, seq, reason);
	}

	private void fail(long seq, String reason, long checkpoint) {
		this.broken = new AuditVerification.Broken(this.chain, seq, reason, checkpoint);
	}

	/**
	 * The outcome, once every row was processed.
	 * @return valid or the first break
	 */
	AuditVerification result() {
		if (this.broken == null && this.chain != null) {
			endChain();
		}
		if (this.broken != null) {
			return this.broken;
		}
		for (Map.Entry<String, ChainHead> head : new TreeMap<>(this.heads).entrySet()) {
			if (!this.seen.contains(head.getKey())) {
				return new AuditVerification.Broken(head.getKey(), 1L,
						"chain missing: its head is at seq " + head.getValue().seq() + " but it has no records");
			}
		}
		for (String name : new TreeSet<>(this.signed.chains())) {
			if (!this.seen.contains(name)) {
				return HeapOrderVerifier.missing(name, this.signed.of(name));
			}
		}
		return new AuditVerification.Valid(this.chains, this.records);
	}

}
