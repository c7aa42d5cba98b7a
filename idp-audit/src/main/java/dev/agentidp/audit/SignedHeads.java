package dev.agentidp.audit;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every head that some signed checkpoint holds, per chain: the record at each of these
 * sequence numbers must still have that hash (issue 14, item 1). A head that several
 * checkpoints repeat (a chain unchanged between them) is kept once, with the first
 * checkpoint that signed it, so memory grows with the heads that changed, not with the
 * number of checkpoints times the number of chains.
 */
final class SignedHeads {

	private static final SignedHeads NONE = new SignedHeads();

	private final Map<String, NavigableMap<Long, Signed>> chains = new HashMap<>();

	/**
	 * No checkpoint (none made yet, or no signer).
	 * @return the empty set
	 */
	static SignedHeads none() {
		return NONE;
	}

	/**
	 * The heads of one checkpoint, number 1.
	 * @param heads chain to head
	 * @return them
	 */
	static SignedHeads of(Map<String, ChainHead> heads) {
		SignedHeads signed = new SignedHeads();
		heads.forEach((chain, head) -> signed.add(chain, head.seq(), head.hash(), 1));
		return signed;
	}

	/**
	 * Adds a signed head.
	 * @return the head an earlier checkpoint signed at the same seq with another hash, or
	 * {@code null}
	 */
	Signed add(String chain, long seq, String hash, long checkpoint) {
		NavigableMap<Long, Signed> heads = this.chains.computeIfAbsent(chain, (name) -> new TreeMap<>());
		Signed earlier = heads.putIfAbsent(seq, new Signed(hash, checkpoint));
		return (earlier != null && !earlier.hash().equals(hash)) ? earlier : null;
	}

	/**
	 * The signed heads of a chain by seq, or {@code null} when no checkpoint holds it.
	 */
	NavigableMap<Long, Signed> of(String chain) {
		return this.chains.get(chain);
	}

	Set<String> chains() {
		return this.chains.keySet();
	}

	/**
	 * A head as a checkpoint signed it.
	 *
	 * @param hash the record's hash
	 * @param checkpoint the number ({@code seq}) of the first checkpoint that signed it
	 */
	record Signed(String hash, long checkpoint) {
	}

}
