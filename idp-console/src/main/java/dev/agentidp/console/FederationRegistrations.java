package dev.agentidp.console;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.Assert;

/**
 * The one client registration of the console at the organisation's OpenID Connect
 * provider ({@value #ID}), read from the provider's discovery document (OpenID Connect
 * Discovery 1.0 §4) at the first federated sign-in rather than at start, so that the
 * provider starts while that one is unreachable; a failed read is tried again at the next
 * sign-in.
 */
final class FederationRegistrations implements ClientRegistrationRepository {

	/** The registration id, the last segment of the sign-in and redirect paths. */
	static final String ID = "oidc";

	/** Where the console's sign-in link starts the authorization code flow. */
	static final String AUTHORIZATION_BASE_URI = "/console/oauth2/authorization";

	/** Where the provider sends the browser back with the code. */
	static final String REDIRECT_BASE_URI = "/console/login/oauth2/code";

	private final ConsoleProperties.Federation federation;

	private volatile ClientRegistration registration;

	FederationRegistrations(ConsoleProperties.Federation federation) {
		Assert.notNull(federation, "federation cannot be null");
		Assert.isTrue(federation.enabled(), "federation must be enabled");
		this.federation = federation;
	}

	@Override
	public ClientRegistration findByRegistrationId(String registrationId) {
		if (!ID.equals(registrationId)) {
			return null;
		}
		ClientRegistration found = this.registration;
		if (found == null) {
			found = ClientRegistrations.fromIssuerLocation(this.federation.issuerUri().toString())
				.registrationId(ID)
				.clientId(this.federation.clientId())
				.clientSecret(this.federation.clientSecret())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.redirectUri("{baseUrl}" + REDIRECT_BASE_URI + "/{registrationId}")
				.scope("openid", "email", "profile")
				.build();
			this.registration = found;
		}
		return found;
	}

}
