package dev.agentidp.tokens;

import java.util.List;

import dev.agentidp.dpop.DpopProofVerifier;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2TokenExchangeAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.util.Assert;

/**
 * The endpoints every client uses, whatever its grant, and what this provider keeps of
 * Spring's authorization server: client authentication ({@code private_key_jwt} with the
 * registry's keys, or a client secret), introspection (RFC 7662 from the token store),
 * revocation (RFC 7009 with cascade), the failure handler that audits every refusal, and
 * the metadata the endpoints share. Ordered first among the
 * {@link AuthorizationServerContribution}s: of Spring's token endpoint defaults it keeps
 * no provider (a grant module adds its own provider and converter), so no grant is served
 * that no module contributes.
 */
final class OAuthEndpoints implements AuthorizationServerContribution {

	/** The client authentication methods of every endpoint. */
	private static final List<String> CLIENT_AUTHENTICATION = List.of(
			ClientAuthenticationMethod.PRIVATE_KEY_JWT.getValue(),
			ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue());

	private final JwtDecoderFactory<RegisteredClient> clientAssertionDecoders;

	private final AuthenticationConverter clientAssertionsWithoutClientId;

	private final AuthenticationProvider introspection;

	private final AuthenticationProvider revocation;

	private final AuthenticationFailureHandler denials;

	private final DpopNonces nonces;

	private final RegistryClients clients;

	/**
	 * @param clientAssertionDecoders decodes {@code private_key_jwt} assertions with the
	 * registry's keys
	 * @param clientAssertionsWithoutClientId reads a {@code private_key_jwt} request that
	 * names its client only in the assertion (RFC 7521 §4.2), ahead of Spring's converter
	 * @param introspection RFC 7662 from the token store
	 * @param revocation RFC 7009 with cascade
	 * @param denials audits and answers every refused request
	 * @param nonces the DPoP server nonces every successful token response carries a
	 * fresh one of, or {@code null} when none are required
	 * @param clients the registry's clients, for authenticating an agent on the version
	 * last seen ({@link LastSeenAgentAuthentication})
	 */
	OAuthEndpoints(JwtDecoderFactory<RegisteredClient> clientAssertionDecoders,
			AuthenticationConverter clientAssertionsWithoutClientId, AuthenticationProvider introspection,
			AuthenticationProvider revocation, AuthenticationFailureHandler denials, DpopNonces nonces,
			RegistryClients clients) {
		Assert.notNull(clients, "clients cannot be null");
		Assert.notNull(clientAssertionDecoders, "clientAssertionDecoders cannot be null");
		Assert.notNull(clientAssertionsWithoutClientId, "clientAssertionsWithoutClientId cannot be null");
		Assert.notNull(introspection, "introspection cannot be null");
		Assert.notNull(revocation, "revocation cannot be null");
		Assert.notNull(denials, "denials cannot be null");
		this.clientAssertionDecoders = clientAssertionDecoders;
		this.clientAssertionsWithoutClientId = clientAssertionsWithoutClientId;
		this.introspection = introspection;
		this.revocation = revocation;
		this.denials = denials;
		this.nonces = nonces;
		this.clients = clients;
	}

	@Override
	public void configure(OAuth2AuthorizationServerConfigurer server) {
		server.clientAuthentication(
				(authentication) -> authentication.authenticationConverter(this.clientAssertionsWithoutClientId)
					.authenticationProviders((providers) -> providers.replaceAll((provider) -> {
						if (provider instanceof JwtClientAssertionAuthenticationProvider assertions) {
							assertions.setJwtDecoderFactory(this.clientAssertionDecoders);
							return new LastSeenAgentAuthentication(assertions, this.clients);
						}
						return provider;
					}))
					.errorResponseHandler(this.denials))
			.tokenEndpoint((token) -> {
				token.errorResponseHandler(this.denials);
				if (this.nonces != null) {
					token.accessTokenResponseHandler(withFreshNonce(this.nonces));
				}
			})
			.tokenIntrospectionEndpoint((introspection) -> introspection.authenticationProviders((providers) -> {
				providers.clear();
				providers.add(this.introspection);
			}).errorResponseHandler(this.denials))
			.tokenRevocationEndpoint((revocation) -> revocation.authenticationProviders((providers) -> {
				providers.clear();
				providers.add(this.revocation);
			}).errorResponseHandler(this.denials));
	}

	/**
	 * RFC 9449 §8.2: the token response carries a fresh nonce for the client's next
	 * proof, so that it never has to be refused for an expired one; then Spring's own
	 * answer.
	 */
	private static AuthenticationSuccessHandler withFreshNonce(DpopNonces nonces) {
		AuthenticationSuccessHandler tokenResponse = new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
		return (request, response, authentication) -> {
			response.setHeader(DpopNonces.HEADER, nonces.issue());
			tokenResponse.onAuthenticationSuccess(request, response, authentication);
		};
	}

	/**
	 * Spring's token-exchange converter goes: it reads requests into a token that only
	 * Spring's own exchange provider (not kept, see {@link #tokenProviders}) would
	 * accept; a module that serves the grant brings its own converter.
	 */
	@Override
	public void tokenRequestConverters(List<AuthenticationConverter> converters) {
		converters.removeIf((converter) -> converter instanceof OAuth2TokenExchangeAuthenticationConverter);
	}

	/**
	 * None of Spring's token providers stays: every token is issued by a grant module's
	 * provider through {@link AccessTokenMinter}, so that no grant is served that no
	 * module contributes and no token is written by a second path.
	 */
	@Override
	public void tokenProviders(List<AuthenticationProvider> providers) {
		providers.clear();
	}

	/**
	 * RFC 8414 §2: no grant until a grant module adds its own; the client authentication
	 * methods and algorithms accepted, and the DPoP proof algorithms; no mTLS-bound
	 * tokens or PKCE here, so neither is advertised.
	 */
	@Override
	public void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
		metadata.grantTypes((grants) -> grants.clear()).tokenEndpointAuthenticationMethods((methods) -> {
			methods.clear();
			methods.addAll(CLIENT_AUTHENTICATION);
		}).tokenIntrospectionEndpointAuthenticationMethods((methods) -> {
			methods.clear();
			methods.addAll(CLIENT_AUTHENTICATION);
		}).tokenRevocationEndpointAuthenticationMethods((methods) -> {
			methods.clear();
			methods.addAll(CLIENT_AUTHENTICATION);
		})
			.claim("token_endpoint_auth_signing_alg_values_supported",
					JoseVerifiers.ALGORITHMS.stream().map((alg) -> alg.getName()).sorted().toList())
			.claim("scopes_supported", List.of("idp:admin", "idp:audit:read"))
			// RFC 9449 §5.1: the algorithms DPoP proofs may use
			.claim("dpop_signing_alg_values_supported",
					DpopProofVerifier.ALGORITHMS.stream().map((alg) -> alg.getName()).sorted().toList())
			// workload identity federation (docs/workload-identity.md): private_key_jwt
			// with a trusted issuer's token as the assertion (RFC 7523 §2.2); these names
			// are this provider's own, no registry defines one yet
			.claim("client_assertion_types_supported",
					List.of("urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
							SpiffeClientAssertionConverter.JWT_SPIFFE))
			.claim("workload_identity_issuer_kinds_supported",
					List.of(TrustedIssuerKind.KUBERNETES.value(), TrustedIssuerKind.SPIFFE.value(),
							TrustedIssuerKind.OIDC.value()))
			.claim("workload_identity_signing_alg_values_supported",
					WorkloadAssertions.ALGORITHMS.stream().map((alg) -> alg.getName()).sorted().toList())
			.claims((claims) -> {
				claims.remove("tls_client_certificate_bound_access_tokens");
				claims.remove("code_challenge_methods_supported");
			});
	}

}
