package dev.agentidp.tokens;

import dev.agentidp.registry.ClientRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The token module's beans: the seams Spring Security's authorization server picks up
 * (registered clients, authorization service, JWT encoder and customizer, password
 * encoder, JWK source) and the decoder of the provider's own tokens. The
 * {@link SigningKeyCipher} is supplied by the application (it knows where the
 * key-encryption key comes from).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokensProperties.class)
public class TokensConfiguration {

	@Bean
	SigningKeys signingKeys(JdbcClient jdbc, TransactionTemplate transactions, SigningKeyCipher cipher,
			TokensProperties properties) {
		return new SigningKeys(jdbc, transactions, cipher, properties.signingAlgorithm());
	}

	@Bean
	JwtEncoder jwtEncoder(SigningKeys keys) {
		return new ProviderJwtEncoder(keys);
	}

	@Bean
	JwtDecoder jwtDecoder(SigningKeys keys, @Value("${idp.issuer:}") String issuer) {
		return ProviderJwtDecoders.accessTokens(keys, issuer);
	}

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaims(TokensProperties properties) {
		return new AccessTokenClaims(properties.defaultAudience());
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(ClientRegistry registry) {
		return new RegistryClients(registry);
	}

	@Bean
	OAuth2AuthorizationService authorizationService(JdbcClient jdbc, JwtDecoder decoder,
			RegisteredClientRepository clients) {
		return new IssuedTokenAuthorizationService(jdbc, decoder, clients);
	}

	@Bean
	PasswordEncoder clientSecretEncoder() {
		return new StoredSecretEncoder();
	}

}
