package dev.agentidp.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One walk over the checkpoint chain, oldest first (docs/audit.md "Contract"): each
 * checkpoint's signature, its {@code seq} (its place in the table), its link to the one
 * before ({@code prev}: the SHA-256 of the previous compact JWS), and that no chain one
 * checkpoint held is missing or shorter in the next; the heads signed are collected for
 * the record scan. The first break is thrown as an
 * {@link AuditCheckpoints.BrokenCheckpoint}.
 */
final class CheckpointChainWalk {

	private long number;

	private boolean chained;

	private String previousHash;

	private Map<String, ChainHead> previousHeads = Map.of();

	void next(CheckpointSigner signer, String jws, String only, SignedHeads signed) {
		long n = ++this.number;
		Map<String, Object> claims;
		Map<String, ChainHead> heads;
		try {
			claims = signer.verify(jws);
			heads = heads(claims);
		}
		catch (IllegalArgumentException ex) {
			throw new AuditCheckpoints.BrokenCheckpoint(null, null, n,
					"checkpoint " + n + " does not verify: " + ex.getMessage());
		}
		Object seq = claims.get("seq");
		if (seq == null) {
			if (this.chained) {
				throw new AuditCheckpoints.BrokenCheckpoint(null, null, n,
						"checkpoint " + n + " has no seq but follows linked ones: an old checkpoint was re-inserted");
			}
		}
		else {
			this.chained = true;
			if (!(seq instanceof Number number) || number.longValue() != n) {
				throw new AuditCheckpoints.BrokenCheckpoint(null, null, n, "checkpoint " + n + " carries seq " + seq
						+ ": it is not where it was made (an old checkpoint re-inserted, or one deleted)");
			}
			Object prev = claims.get("prev");
			boolean linked = (n == 1) ? prev == null
					: prev instanceof Map<?, ?> link && link.get("seq") instanceof Number prevSeq
							&& prevSeq.longValue() == n - 1 && this.previousHash.equals(link.get("hash"));
			if (!linked) {
				throw new AuditCheckpoints.BrokenCheckpoint(null, null, n,
						"checkpoint " + n + " does not link to checkpoint " + (n - 1) + " (prev " + prev + ")");
			}
		}
		for (Map.Entry<String, ChainHead> entry : new TreeMap<>(this.previousHeads).entrySet()) {
			ChainHead now = heads.get(entry.getKey());
			if (now == null || now.seq() < entry.getValue().seq()) {
				throw new AuditCheckpoints.BrokenCheckpoint(entry.getKey(), entry.getValue().seq(), n,
						"chain missing or behind in signed checkpoint " + n + ": checkpoint " + (n - 1)
								+ " has its head at seq " + entry.getValue().seq());
			}
		}
		Map<String, ChainHead> kept = new HashMap<>();
		for (Map.Entry<String, ChainHead> entry : heads.entrySet()) {
			if (only != null && !only.equals(entry.getKey())) {
				continue;
			}
			ChainHead head = entry.getValue();
			SignedHeads.Signed earlier = signed.add(entry.getKey(), head.seq(), head.hash(), n);
			if (earlier != null) {
				throw new AuditCheckpoints.BrokenCheckpoint(entry.getKey(), head.seq(), n, "signed checkpoints "
						+ earlier.checkpoint() + " and " + n + " hold different hashes at seq " + head.seq());
			}
			kept.put(entry.getKey(), head);
		}
		this.previousHeads = kept;
		this.previousHash = sha256(jws);
	}

	/**
	 * The heads of a checkpoint's verified payload.
	 * @throws IllegalArgumentException when they are malformed
	 */
	static Map<String, ChainHead> heads(Map<String, Object> claims) {
		if (!(claims.get("heads") instanceof Map<?, ?> heads)) {
			throw new IllegalArgumentException("the checkpoint has no heads");
		}
		Map<String, ChainHead> result = new HashMap<>();
		for (Map.Entry<?, ?> entry : heads.entrySet()) {
			String name = String.valueOf(entry.getKey());
			if (!(entry.getValue() instanceof Map<?, ?> head) || !(head.get("seq") instanceof Number seq)
					|| !(head.get("hash") instanceof String hash)) {
				throw new IllegalArgumentException("the checkpoint's head of chain " + name + " is malformed");
			}
			result.put(name, new ChainHead(seq.longValue(), hash));
		}
		return result;
	}

	/** Lowercase hex SHA-256 of a compact JWS (ASCII): what {@code prev.hash} holds. */
	static String sha256(String jws) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(jws.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
