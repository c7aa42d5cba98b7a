package dev.agentidp.tokens;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The token store as Spring Security's authorization server sees it, for the tokens its
 * own client-credentials provider issues to clients that are not agents (admin clients,
 * resource servers): one row per token, keyed by {@code jti}, never by the token's value
 * (unlike {@code JdbcOAuth2AuthorizationService}, which keeps whole tokens and scans by
 * value, docs/tokens.md "Design notes"), written with its {@code token.issued} audit
 * record. Agent tokens, introspection and revocation go through {@link TokenService}
 * directly.
 */
public final class IssuedTokenAuthorizationService implements OAuth2AuthorizationService {

	private static final String INSERT = """
			INSERT INTO issued_token (jti, client_id, subject, parent_jti, root_jti, task, scopes, audience, issued_at,
				expires_at, token_hash, kid)
			VALUES (?, ?, ?, NULL, ?, NULL, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (jti) DO NOTHING""";

	/**
	 * The client's row, locked against a concurrent disable until this token's row is
	 * committed: a disable that commits first makes this find nothing; one that commits
	 * after finds (and revokes) this token.
	 */
	private static final String LOCK_ENABLED_CLIENT = """
			SELECT 1 FROM oauth_client WHERE client_id = ? AND disabled_at IS NULL FOR SHARE""";

	private static final String REVOKE = """
			UPDATE issued_token SET revoked_at = now(), revoked_why = ?
			WHERE jti = ? AND revoked_at IS NULL""";

	private static final String SELECT = """
			SELECT jti, client_id, subject, scopes, issued_at, expires_at, revoked_at
			FROM issued_token WHERE jti = ?""";

	private final JdbcClient jdbc;

	private final JwtDecoder decoder;

	private final RegisteredClientRepository clients;

	private final SigningKeys keys;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	IssuedTokenAuthorizationService(JdbcClient jdbc, JwtDecoder decoder, RegisteredClientRepository clients,
			SigningKeys keys, TransactionTemplate transactions, ApplicationEventPublisher events) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(decoder, "decoder cannot be null");
		Assert.notNull(clients, "clients cannot be null");
		Assert.notNull(keys, "keys cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		this.jdbc = jdbc;
		this.decoder = decoder;
		this.clients = clients;
		this.keys = keys;
		this.transactions = transactions;
		this.events = events;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		Assert.notNull(authorization, "authorization cannot be null");
		OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
		Assert.notNull(token, "only authorizations that carry an access token are stored");
		Map<String, Object> claims = token.getClaims();
		Assert.notNull(claims, "access token claims cannot be null");
		String jti = (String) claims.get("jti");
		Assert.hasText(jti, "access token must carry a jti");
		if (token.isInvalidated()) {
			// RFC 7009 §2.1: the token is invalidated at once
			this.jdbc.sql(REVOKE).params("revoked", jti).update();
			return;
		}
		OAuth2AccessToken accessToken = token.getToken();
		String[] audience = strings(claims.get("aud"));
		// the row and its token.issued audit record commit together
		this.transactions.executeWithoutResult((status) -> {
			// another node may still keep the client's row from before it was disabled
			// (ClientRegistry#findClient): the database has the last word
			if (this.jdbc.sql(LOCK_ENABLED_CLIENT)
				.param(authorization.getRegisteredClientId())
				.query(Integer.class)
				.optional()
				.isEmpty()) {
				// RFC 6749 §5.2: client authentication failed
				throw new OAuth2AuthenticationException(
						new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "The client is disabled", null));
			}
			this.jdbc.sql(INSERT)
				.params(jti, authorization.getRegisteredClientId(), authorization.getPrincipalName(), jti,
						accessToken.getScopes().toArray(String[]::new), audience,
						Timestamp.from(accessToken.getIssuedAt()), Timestamp.from(accessToken.getExpiresAt()),
						AccessTokenMinter.sha256(accessToken.getTokenValue()), this.keys.active().kid())
				.update();
			this.events.publishEvent(new TokenIssued(null, authorization.getRegisteredClientId(), jti,
					accessToken.getScopes(), List.of(audience), null, accessToken.getExpiresAt()));
		});
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		Assert.notNull(authorization, "authorization cannot be null");
		this.jdbc.sql(REVOKE).params("removed", authorization.getId()).update();
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return (id != null) ? load(id, null) : null;
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		if (token == null || (tokenType != null && !OAuth2TokenType.ACCESS_TOKEN.equals(tokenType))) {
			return null;
		}
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtException ex) {
			return null;
		}
		return (jwt.getId() != null) ? load(jwt.getId(), jwt) : null;
	}

	private OAuth2Authorization load(String jti, Jwt jwt) {
		List<Row> rows = this.jdbc.sql(SELECT)
			.param(jti)
			.query((rs, n) -> new Row(rs.getString("jti"), rs.getString("client_id"), rs.getString("subject"),
					new LinkedHashSet<>(Arrays.asList((String[]) rs.getArray("scopes").getArray())),
					rs.getTimestamp("issued_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
					rs.getTimestamp("revoked_at") != null))
			.list();
		if (rows.isEmpty()) {
			return null;
		}
		Row row = rows.get(0);
		RegisteredClient client = this.clients.findById(row.clientId());
		if (client == null) {
			return null;
		}
		String value = (jwt != null) ? jwt.getTokenValue() : row.jti();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, row.issuedAt(),
				row.expiresAt(), row.scopes());
		return OAuth2Authorization.withRegisteredClient(client)
			.id(row.jti())
			.principalName(row.subject())
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.authorizedScopes(row.scopes())
			.token(accessToken, (metadata) -> {
				if (jwt != null) {
					metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, jwt.getClaims());
				}
				metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, row.revoked());
			})
			.build();
	}

	private static String[] strings(Object value) {
		if (value instanceof Collection<?> collection) {
			return collection.stream().map(String::valueOf).toArray(String[]::new);
		}
		return (value != null) ? new String[] { String.valueOf(value) } : new String[0];
	}

	private record Row(String jti, String clientId, String subject, Set<String> scopes, Instant issuedAt,
			Instant expiresAt, boolean revoked) {
	}

}
