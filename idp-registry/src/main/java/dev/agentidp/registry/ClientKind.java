package dev.agentidp.registry;

import java.util.Arrays;

/**
 * The kinds of client that are not agents.
 */
public enum ClientKind {

	/**
	 * May use the admin API within its scopes ({@code idp:admin},
	 * {@code idp:audit:read}).
	 */
	ADMIN("admin"),

	/** A resource server (an MCP tool server, an API): may introspect tokens. */
	RESOURCE_SERVER("resource_server");

	private final String value;

	ClientKind(String value) {
		this.value = value;
	}

	/**
	 * The wire and database value.
	 * @return {@code admin} or {@code resource_server}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parses a wire value.
	 * @param value {@code admin} or {@code resource_server}
	 * @return the kind
	 * @throws IllegalArgumentException for any other value
	 */
	public static ClientKind fromValue(String value) {
		return Arrays.stream(values())
			.filter((kind) -> kind.value.equals(value))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown client kind '" + value + "'"));
	}

}
