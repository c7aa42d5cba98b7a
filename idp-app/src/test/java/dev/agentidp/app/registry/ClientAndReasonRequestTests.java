package dev.agentidp.app.registry;

import java.util.Set;

import dev.agentidp.app.RequestBodies;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of a client registration and of a lifecycle call's {@code reason}, on the
 * request records alone (moved here from the registry's tests when the binding moved to
 * the edge, issue 15, item 1). What a client's name, scopes and JWK may be, and a
 * reason's length, stay the registry's rules.
 */
class ClientAndReasonRequestTests {

	@ParameterizedTest
	@CsvSource(delimiterString = " || ", quoteCharacter = '`',
			textBlock = """
					{"kind": "admin"}                                    || name: is required
					{"name": null, "kind": "admin"}                      || name: is required
					{"name": 7, "kind": "admin"}                         || name: must be a string
					{"name": "x", "kind": "robot"}                       || kind: must be resource_server or admin
					{"name": "x", "kind": 1}                             || kind: must be resource_server or admin
					{"name": "x"}                                        || kind: is required: resource_server or admin
					{"name": "x", "kind": "admin", "scopes": "idp:admin"} || scopes: must be an array
					{"name": "x", "kind": "admin", "scopes": [1]}        || scopes[0]: must be a string
					{"name": "x", "kind": "admin", "scopes": [null]}     || scopes[0]: must be a string
					{"name": "x", "kind": "admin", "secret": "mine"}     || secret: is not a known field (allowed: jwk, kind, name, scopes)
					{"name": "x", "kind": "admin", "jwk": "key"}         || jwk: must be a JSON object (a public JWK)
					[]                                                   || body: must be a JSON object
					null                                                 || body: must be a JSON object
					""")
	void aClientRegistrationNamesTheMemberThatIsWrong(String body, String detail) {
		assertThat(RequestBodies.refused(body, ClientRegistrationRequest.class)).isEqualTo(detail);
	}

	@Test
	void aClientRegistrationIsReadIntoTheRegistrysTypes() {
		ClientRegistrationRequest request = RequestBodies
			.read("{\"name\": \"ops\", \"kind\": \"admin\", \"scopes\": [\"idp:admin\", \"idp:admin\"],"
					+ " \"jwk\": {\"kty\": \"OKP\"}}", ClientRegistrationRequest.class);
		assertThat(request.clientKind()).isEqualTo(ClientKind.ADMIN);
		assertThat(request.scopeSet()).containsExactly("idp:admin");
		assertThat(request.jwk()).containsEntry("kty", "OKP");
		ClientRegistrationRequest bare = RequestBodies.read("{\"name\": \"rs\", \"kind\": \"resource_server\"}",
				ClientRegistrationRequest.class);
		assertThat(bare.clientKind()).isEqualTo(ClientKind.RESOURCE_SERVER);
		assertThat(bare.scopeSet()).isEqualTo(Set.of());
	}

	@Test
	void reasonIsChecked() {
		assertThat(ReasonRequest.of(null)).isNull();
		assertThat(ReasonRequest.of(RequestBodies.read("{\"reason\": \"why\"}", ReasonRequest.class))).isEqualTo("why");
		assertThat(ReasonRequest.of(RequestBodies.read("{\"reason\": null}", ReasonRequest.class))).isNull();
		assertThat(RequestBodies.refused("{\"why\": \"x\"}", ReasonRequest.class))
			.isEqualTo("why: is not a known field (allowed: reason)");
		assertThat(RequestBodies.refused("{\"reason\": 5}", ReasonRequest.class)).isEqualTo("reason: must be a string");
		assertThat(RequestBodies.refused("[\"why\"]", ReasonRequest.class))
			.isEqualTo("body: must be a JSON object such as {\"reason\": \"...\"}");
	}

}
