package dev.agentidp.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Verifies records streamed in the table's physical order (a sequential scan, about 2.5
 * times cheaper for PostgreSQL than reading the trail in (chain, seq) order through the
 * index, because the chains' records are interleaved on disk). Every record's hash is
 * checked against its contents and its stored {@code prevHash} as it comes; the links
 * between records are checked per chain in sequence order, holding back the few records
 * that arrive before their predecessor. When more than {@code maxPending} records are
 * held back (a trail with a gap near the start of a long chain), it gives up with
 * {@link TooManyPending} and the caller verifies in index order ({@link TrailVerifier})
 * instead, so memory stays bounded. Reports the break with the lowest (chain, seq).
 */
final class HeapOrderVerifier implements RowCallbackHandler {

	private final RecordHashing hashing = new RecordHashing();

	private final Map<String, ChainHead> heads;

	private final SignedHeads signed;

	private final Map<String, Chain> chains;

	private final int maxPending;

	private int pending;

	private long records;

	HeapOrderVerifier(Map<String, ChainHead> heads, SignedHeads signed, int maxPending) {
		this.heads = heads;
		this.signed = signed;
		this.maxPending = maxPending;
		// one entry per chain: sized for the chains the heads name, so it never rehashes
		this.chains = HashMap.newHashMap(heads.size());
	}

	@Override
	public void processRow(ResultSet rs) throws SQLException {
		String name = rs.getString(1);
		Chain chain = this.chains.get(name);
		if (chain == null) {
			chain = new Chain(this.signed.of(name));
			this.chains.put(name, chain);
		}
		long seq = rs.getLong(2);
		String prevHash = rs.getString(10);
		String hash = rs.getString(11);
		this.records++;
		if (chain.broken != null && chain.brokenSeq <= seq) {
			// a lower break of this chain is known already; links are still followed
			link(chain, seq, prevHash, hash);
			return;
		}
		char[] computed = this.hashing.hash(prevHash, name, seq, rs.getLong(3), rs.getString(4), rs.getString(5),
				rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
		if (!RecordHashing.matches(computed, hash)) {
			chain.fail(seq, "hash does not match the record's contents");
		}
		else if (chain.signedHeads != null && chain.signedHeads.get(seq) instanceof SignedHeads.Signed signedHead
				&& !signedHead.hash().equals(hash)) {
			chain.fail(seq,
					"record differs from signed checkpoint " + signedHead.checkpoint() + " (the chain was rewritten)",
					signedHead.checkpoint());
		}
		link(chain, seq, prevHash, hash);
	}

	private void link(Chain chain, long seq, String prevHash, String hash) {
		if (seq != chain.nextSeq) {
			if (chain.held == null) {
				chain.held = new TreeMap<>();
			}
			chain.held.put(seq, new String[] { prevHash, hash });
			if (++this.pending > this.maxPending) {
				throw new TooManyPending();
			}
			return;
		}
		accept(chain, seq, prevHash, hash);
		while (chain.held != null && !chain.held.isEmpty() && chain.held.firstKey() == chain.nextSeq) {
			Map.Entry<Long, String[]> next = chain.held.pollFirstEntry();
			this.pending--;
			accept(chain, next.getKey(), next.getValue()[0], next.getValue()[1]);
		}
	}

	private void accept(Chain chain, long seq, String prevHash, String hash) {
		if (!chain.lastHash.equals(prevHash)) {
			chain.fail(seq, "prevHash does not match the hash of the previous record");
		}
		chain.lastHash = hash;
		chain.nextSeq = seq + 1;
	}

	/**
	 * The outcome, once every row was processed: the break with the lowest (chain, seq),
	 * else the lowest-named chain that has a head or a signed head but no records. One
	 * pass over the chains and the heads each, without sorting them (a trail has a chain
	 * per agent: 100,000 chains sorted three times were about 5% of a verify).
	 * @return valid or the break with the lowest (chain, seq)
	 */
	AuditVerification result() {
		String brokenName = null;
		Chain broken = null;
		for (Map.Entry<String, Chain> entry : this.chains.entrySet()) {
			Chain chain = entry.getValue();
			checkEnd(entry.getKey(), chain);
			if (chain.broken != null && (brokenName == null || entry.getKey().compareTo(brokenName) < 0)) {
				brokenName = entry.getKey();
				broken = chain;
			}
		}
		if (broken != null) {
			return new AuditVerification.Broken(brokenName, broken.brokenSeq, broken.broken, broken.brokenCheckpoint);
		}
		String missing = lowestWithoutRecords(this.heads.keySet());
		if (missing != null) {
			return new AuditVerification.Broken(missing, 1L,
					"chain missing: its head is at seq " + this.heads.get(missing).seq() + " but it has no records");
		}
		missing = lowestWithoutRecords(this.signed.chains());
		if (missing != null) {
			return missing(missing, this.signed.of(missing));
		}
		return new AuditVerification.Valid(this.chains.size(), this.records);
	}

	/**
	 * The checks at a chain's end: nothing held back, and its last record is its head.
	 */
	private void checkEnd(String name, Chain chain) {
		long last = chain.nextSeq - 1;
		if (chain.held != null && !chain.held.isEmpty()) {
			chain.fail(chain.nextSeq, "record missing: the next record in the chain has seq " + chain.held.firstKey());
		}
		ChainHead head = this.heads.get(name);
		if (head == null) {
			chain.fail(1, "the chain has no head: records exist that the trail never appended");
		}
		else if (head.seq() > last) {
			chain.fail(last + 1,
					"records missing: the chain ends at seq " + last + " but its head is at seq " + head.seq());
		}
		else if (head.seq() != last || !head.hash().equals(chain.lastHash)) {
			chain.fail(last, "the chain's last record does not match its head");
		}
		if (chain.signedHeads != null && chain.signedHeads.lastKey() > last) {
			SignedHeads.Signed newest = chain.signedHeads.lastEntry().getValue();
			chain
				.fail(last + 1,
						"records missing: signed checkpoint " + newest.checkpoint() + " has the chain's head at seq "
								+ chain.signedHeads.lastKey() + " but the chain ends at seq " + last,
						newest.checkpoint());
		}
	}

	/** A chain that signed checkpoints hold but that has no records. */
	static AuditVerification.Broken missing(String name, NavigableMap<Long, SignedHeads.Signed> signed) {
		SignedHeads.Signed newest = signed.lastEntry().getValue();
		return new AuditVerification.Broken(name, 1L, "chain missing: signed checkpoint " + newest.checkpoint()
				+ " has its head at seq " + signed.lastKey() + " but it has no records", newest.checkpoint());
	}

	/** The lowest chain name among these that had no record, or {@code null}. */
	private String lowestWithoutRecords(java.util.Set<String> names) {
		String lowest = null;
		for (String name : names) {
			if (!this.chains.containsKey(name) && (lowest == null || name.compareTo(lowest) < 0)) {
				lowest = name;
			}
		}
		return lowest;
	}

	/** Too many records arrived before their predecessors: verify in index order. */
	static final class TooManyPending extends RuntimeException {

		TooManyPending() {
			super(null, null, false, false);
		}

	}

	private static final class Chain {

		final NavigableMap<Long, SignedHeads.Signed> signedHeads;

		long nextSeq = 1;

		String lastHash = RecordHashing.GENESIS;

		TreeMap<Long, String[]> held;

		String broken;

		long brokenSeq = Long.MAX_VALUE;

		Long brokenCheckpoint;

		Chain(NavigableMap<Long, SignedHeads.Signed> signedHeads) {
			this.signedHeads = signedHeads;
		}

		void fail(long seq, String reason) {
			fail(seq, reason, null);
		}

		void fail(long seq, String reason, Long checkpoint) {
			if (seq < this.brokenSeq) {
				this.brokenSeq = seq;
				this.broken = reason;
				this.brokenCheckpoint = checkpoint;
			}
		}

	}

}
