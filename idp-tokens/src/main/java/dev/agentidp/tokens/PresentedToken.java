package dev.agentidp.tokens;

import java.util.Map;

/**
 * A token presented to the provider and recognised as one it issued: its row in the store
 * and the claims it carries.
 *
 * @param record the store's row
 * @param claims the token's claims (JSON types: numbers, strings, lists, maps)
 */
public record PresentedToken(TokenRecord record, Map<String, Object> claims) {

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
