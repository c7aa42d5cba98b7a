package dev.agentidp.app.registry;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import dev.agentidp.registry.ClientKind;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /admin/v1/clients} (docs/api.md "Contract"): {@code {"name",
 * "kind": "resource_server"|"admin", "scopes": [...], "jwk"?}}. What the name, the scopes
 * and the JWK may be for each kind is the registry's rule.
 *
 * @param name required; a human-readable name
 * @param kind required; {@code resource_server} or {@code admin}
 * @param scopes the scopes it may hold
 * @param jwk its public JWK for {@code private_key_jwt}, or {@code null} to have a secret
 * generated
 */
@AdminBody
record ClientRegistrationRequest(@NotNull(message = "is required") String name,
		@NotNull(message = "is required: resource_server or admin") @Pattern(regexp = "resource_server|admin",
				message = "must be resource_server or admin") @WrongType("kind: must be resource_server or admin") String kind,
		@Size(max = 256,
				message = "must hold at most 256 elements") List<@NotNull(message = "must be a string") String> scopes,
		@WrongType("jwk: must be a JSON object (a public JWK)") Map<String, Object> jwk) {

	/**
	 * The kind; call it on a checked body.
	 * @return the kind
	 */
	ClientKind clientKind() {
		return ClientKind.fromValue(this.kind);
	}

	/**
	 * The scopes, each once.
	 * @return the scopes
	 */
	Set<String> scopeSet() {
		return (this.scopes != null) ? new LinkedHashSet<>(this.scopes) : Set.of();
	}

}
