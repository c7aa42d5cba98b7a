package dev.agentidp.resourceserver;

/**
 * Checks an access token: the kit's seam between the request and the provider. The
 * auto-configuration supplies introspection or a local RFC 9068 check
 * ({@link TokenCheck}); a bean of this type replaces it.
 */
@FunctionalInterface
public interface AccessTokenVerifier {

	/**
	 * Checks a token.
	 * @param token the access token as presented
	 * @return the active token
	 * @throws InvalidAccessTokenException when it is not active, or not for this resource
	 * @throws ProviderUnavailableException when the provider could not be asked
	 */
	VerifiedToken verify(String token);

}
