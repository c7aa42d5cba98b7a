package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * The result of registering a client.
 *
 * @param client the client as stored
 * @param clientSecret the generated secret, to be shown once and never stored;
 * {@code null} when the client authenticates with a public key
 */
public record ClientRegistration(Client client, String clientSecret) {

	public ClientRegistration {
		Assert.notNull(client, "client cannot be null");
	}

	@Override
	public String toString() {
		return "ClientRegistration[client=" + this.client.clientId() + ", clientSecret="
				+ ((this.clientSecret != null) ? "***" : null) + "]";
	}

}
