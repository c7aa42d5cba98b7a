package dev.agentidp.tokens;

import java.util.Map;

/**
 * A token presented to the provider and recognised as one it issued: its row in the store
 * and the claims it carries, and, when {@link TokenService#recognise} read it in the same
 * statement as the row, whether its agent could act then.
 *
 * @param record the store's row
 * @param claims the token's claims (JSON types: numbers, strings, lists, maps)
 * @param agentRead whether the agent's state was read with the row
 * @param agentActiveVersion then, the agent's version when it and every ancestor were
 * active, else {@code null} (also {@code null} when not read, or for a token of no agent)
 */
public record PresentedToken(TokenRecord record, Map<String, Object> claims, boolean agentRead,
		Long agentActiveVersion) {

	/**
	 * A token whose agent's state was not read with its row:
	 * {@link TokenService#isActive(PresentedToken)} reads it.
	 * @param record the store's row
	 * @param claims the token's claims
	 */
	public PresentedToken(TokenRecord record, Map<String, Object> claims) {
		this(record, claims, false, null);
	}

	/**
	 * The current actor: the outermost {@code act.sub}, or {@code sub} when there is no
	 * {@code act} (RFC 8693 §4.1).
	 * @return the acting agent's id
	 */
	public String currentActor() {
		return (this.record.holder().agentId() != null) ? this.record.holder().agentId().toString()
				: this.record.holder().subject();
	}

}
