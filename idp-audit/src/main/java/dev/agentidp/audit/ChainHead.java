package dev.agentidp.audit;

/**
 * The last record of a chain, as the head table or a checkpoint knows it.
 *
 * @param seq its sequence number
 * @param hash its hash
 */
record ChainHead(long seq, String hash) {
}
