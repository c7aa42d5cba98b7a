package dev.agentidp.app.registry;

import java.util.Map;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;

/**
 * The body of {@code POST /admin/v1/agents/{id}/keys}: {@code {"jwk": {public JWK}}} or
 * {@code {"generateKey": true}}.
 *
 * @param jwk a public JWK
 * @param generateKey {@code true} to have a key pair generated
 */
@AdminBody(notAnObject = "body: must be a JSON object with jwk or generateKey")
@KeyChoice.OneKey
record KeyRequest(@WrongType("jwk: must be a JSON object (a public JWK)") Map<String, Object> jwk,
		Boolean generateKey) implements KeyChoice {

}
