package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.agentidp.audit.AuditProperties;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Refusals;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.ClientRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.authentication.DelegatingAuthenticationConverter;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The token module's beans: the seams Spring Security's authorization server picks up
 * (registered clients, an authorization service that stores nothing, JWT encoder,
 * password encoder, JWK source), what this module plugs into the authorization server
 * (its {@link AuthorizationServerContribution}s: the shared endpoints and the
 * client-credentials grant), and the {@link TokenService} facade. The
 * {@link SigningKeyCipher} is supplied by the application (it knows where the
 * key-encryption key comes from).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokensProperties.class)
class TokensConfiguration {

	private final Clock clock = Clock.systemUTC();

	@Bean
	SigningKeys signingKeys(JdbcClient jdbc, TransactionTemplate transactions, SigningKeyCipher cipher,
			TokensProperties properties, ApplicationEventPublisher events) {
		return new SigningKeys(jdbc, transactions, cipher, properties.signingAlgorithm(), events);
	}

	@Bean
	JwtEncoder jwtEncoder(SigningKeys keys) {
		return new ProviderJwtEncoder(keys);
	}

	@Bean
	JwtDecoder jwtDecoder(SigningKeys keys, ObjectProvider<AuthorizationServerSettings> settings, TokenService tokens,
			TokensProperties properties) {
		// the configured issuer, as the application set it on the authorization server
		// (idp.issuer); none in the dev profile: then the signature alone proves the
		// token is ours
		AuthorizationServerSettings server = settings.getIfAvailable();
		String issuer = (server != null) ? server.getIssuer() : null;
		JwtDecoder signatures = ProviderJwtDecoders.accessTokens(keys, issuer, properties.clockSkew());
		// a verified signature is not enough: a revoked token, or one of a suspended
		// agent,
		// must stop working at once on the admin API too
		return (token) -> {
			Jwt jwt = signatures.decode(token);
			// its jti and exp name the row and its partition (V25); a token of ours
			// always
			// has an exp
			Instant expiresAt = jwt.getExpiresAt();
			if (expiresAt == null
					|| !Jti.parse(jwt.getId()).map((jti) -> tokens.isActive(jti, expiresAt)).orElse(false)) {
				throw new BadJwtException("The token is revoked, expired or its agent is not active");
			}
			return jwt;
		};
	}

	@Bean
	RegistryClients registeredClientRepository(ClientRegistry clients, AgentRegistry agents) {
		return new RegistryClients(clients, agents);
	}

	@Bean
	OAuth2AuthorizationService authorizationService() {
		return new NoStoredAuthorizations();
	}

	@Bean
	PasswordEncoder clientSecretEncoder() {
		return new StoredSecretEncoder();
	}

	@Bean
	AccessTokenMinter accessTokenMinter(SigningKeys keys, JdbcClient jdbc) {
		return new AccessTokenMinter(keys, new IssuedTokens(jdbc));
	}

	@Bean
	RegistryRevocations registryRevocations(JdbcClient jdbc, AgentRegistry agents, ApplicationEventPublisher events) {
		return new RegistryRevocations(new IssuedTokens(jdbc), agents, events, this.clock);
	}

	/**
	 * The token store's partitions, made ahead before the application serves (V25).
	 */
	@Bean
	TokenPartitions tokenPartitions(JdbcClient jdbc) {
		return new TokenPartitions(new IssuedTokens(jdbc), this.clock);
	}

	@Bean
	TokenService tokenService(JdbcClient jdbc, SigningKeys keys, AgentRegistry agents, TransactionTemplate transactions,
			ApplicationEventPublisher events, RegistryRevocations revocations) {
		return new TokenService(new IssuedTokens(jdbc), new ClientAssertions(jdbc), keys, agents, transactions, events,
				this.clock, revocations);
	}

	/**
	 * The DPoP proofs of token requests, with the server nonces (RFC 9449 §8) when
	 * {@code idp.tokens.dpop-nonce.enabled}: their key is shared by every node through
	 * PostgreSQL, and read only when they are on.
	 */
	@Bean
	TokenRequestProofs tokenRequestProofs(JdbcClient jdbc, TokensProperties properties) {
		DpopNonces nonces = properties.dpopNonce().enabled()
				? DpopNonces.shared(jdbc, properties.dpopNonce().lifetime(), this.clock) : null;
		return new TokenRequestProofs(new ClientAssertions(jdbc), properties.dpopProofWindow(), nonces, this.clock);
	}

	/**
	 * The trusted issuers (docs/workload-identity.md): their URLs are fetched over
	 * {@code https} and never from a local address, unless in the {@code dev} profile or
	 * with {@code idp.tokens.workload.allow-insecure-urls}.
	 */
	@Bean
	TrustedIssuers trustedIssuers(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
			TokensProperties properties, Environment environment) {
		return new TrustedIssuers(jdbc, transactions, events, outboundUrls(properties, environment), this.clock);
	}

	/** The trusted issuers' keys, fetched and cached once per node. */
	@Bean
	IssuerKeys issuerKeys(TokensProperties properties, Environment environment) {
		TokensProperties.Workload workload = properties.workload();
		return new IssuerKeys(outboundUrls(properties, environment), workload.fetchTimeout(),
				workload.jwksRefreshInterval(), workload.unknownKidRefetchInterval(), this.clock);
	}

	@Bean
	WorkloadAssertions workloadAssertions(TrustedIssuers issuers, IssuerKeys keys, JdbcClient jdbc,
			TokensProperties properties) {
		return new WorkloadAssertions(issuers, keys, new ClientAssertions(jdbc), properties.clockSkew(), this.clock);
	}

	@Bean
	ClientAttestations clientAttestations(TrustedIssuers issuers, IssuerKeys keys, JdbcClient jdbc,
			AgentRegistry agents, TransactionTemplate transactions, ApplicationEventPublisher events,
			TokensProperties properties) {
		return new ClientAttestations(issuers, keys, new ClientAssertions(jdbc), agents, transactions, events,
				properties.workload().attestationPopWindow(), properties.clockSkew(), this.clock);
	}

	private static OutboundUrls outboundUrls(TokensProperties properties, Environment environment) {
		return new OutboundUrls(
				properties.workload().allowInsecureUrls() || environment.acceptsProfiles(Profiles.of("dev")));
	}

	@Bean
	FailedAuthentications failedAuthentications(JdbcClient jdbc, TokensProperties properties) {
		return new FailedAuthentications(jdbc, properties.maxFailedAuthenticationsPerMinute(),
				properties.maxTrackedFailedAuthentications(), this.clock);
	}

	/**
	 * The endpoints every client uses, first among the contributions: it keeps only what
	 * this provider serves of Spring's defaults.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	AuthorizationServerContribution oauthEndpoints(JdbcClient jdbc, TokenService tokens, AuditTrail audit,
			AuditProperties auditProperties, Refusals refusals, AgentRegistry agents, TokensProperties properties,
			FailedAuthentications failures, TokenRequestProofs proofs, WorkloadAssertions workloads,
			RegistryClients clients) {
		return new OAuthEndpoints(
				new ClientAssertionDecoders(new ClientAssertions(jdbc), properties.clockSkew(), failures,
						properties.maxClientAssertionLifetime(), workloads, this.clock),
				new DelegatingAuthenticationConverter(
						List.of(new SpiffeClientAssertionConverter(), new ClientAssertionWithoutClientIdConverter())),
				new TokenIntrospectionProvider(tokens, audit,
						auditProperties.introspection() == AuditProperties.Introspection.ALL),
				new TokenRevocationProvider(tokens, audit), new OAuthDenialAuditor(refusals, agents, proofs.nonces()),
				proofs.nonces(), clients);
	}

	/**
	 * Client authentication for endpoints outside the authorization server's chain (the
	 * policy decision point's), as its own endpoints do it.
	 */
	@Bean
	ClientAuthentication clientAuthentication(RegistryClients clients, OAuth2AuthorizationService authorizations,
			PasswordEncoder clientSecretEncoder, JdbcClient jdbc, TokensProperties properties,
			FailedAuthentications failures, Refusals refusals, AgentRegistry agents,
			ObjectProvider<AuthorizationServerSettings> settings, WorkloadAssertions workloads) {
		return new ClientAuthentication(clients, authorizations, clientSecretEncoder,
				new ClientAssertionDecoders(new ClientAssertions(jdbc), properties.clockSkew(), failures,
						properties.maxClientAssertionLifetime(), workloads, this.clock),
				new OAuthDenialAuditor(refusals, agents),
				settings.getIfAvailable(() -> AuthorizationServerSettings.builder().build()));
	}

	/**
	 * The client-credentials grant.
	 */
	@Bean
	@Order(0)
	AuthorizationServerContribution clientCredentialsGrant(AccessTokenMinter minter, AgentRegistry agents,
			ClientRegistry clients, TransactionTemplate transactions, ApplicationEventPublisher events,
			TokensProperties properties, TokenRequestProofs proofs, ClientAttestations attestations) {
		return new ClientCredentialsGrant(
				new ClientCredentialsAuthenticationProvider(minter, agents, clients, transactions, events,
						new ClientCredentialsPolicy(properties.defaultAudience()), this.clock, proofs, attestations));
	}

}
