package dev.agentidp.tokens;

/**
 * A token just issued: its compact serialization (handed to the client once, never
 * stored) and its row in the token store.
 *
 * @param value the signed JWT
 * @param record what the store keeps
 */
public record IssuedToken(String value, TokenRecord record) {

	@Override
	public String toString() {
		return "IssuedToken[jti=" + this.record.jti() + "]";
	}

}
