package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Signs an RFC 9068 access token for a decided {@link TokenGrant} and writes its row to
 * the token store: the one claims builder and the one {@code INSERT} of every token, for
 * agents, sub-agents and clients that are not agents alike. Must run inside the caller's
 * transaction, so that the row and the audit record the caller writes commit or roll back
 * together: no token is ever handed out without both.
 */
public final class AccessTokenMinter {

	/** RFC 9068 §2.1: the {@code typ} header of a JWT access token. */
	static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

	private final SigningKeys keys;

	private final IssuedTokens tokens;

	AccessTokenMinter(SigningKeys keys, IssuedTokens tokens) {
		Assert.notNull(keys, "keys cannot be null");
		Assert.notNull(tokens, "tokens cannot be null");
		this.keys = keys;
		this.tokens = tokens;
	}

	/**
	 * Signs and stores a token.
	 * @param grant what the token says
	 * @param issuer the {@code iss}
	 * @return the token and its row
	 * @throws IllegalStateException when no transaction is active
	 */
	public IssuedToken mint(TokenGrant grant, String issuer) {
		return mint(grant, issuer, false);
	}

	/**
	 * Mints an agent's token and holds the agent for issuance
	 * ({@link dev.agentidp.registry.AgentRegistry#holdForIssuance}) in the statement that
	 * writes its row: one round trip where holding first and then writing took two.
	 * @param grant what the token says, decided on the agent's document at
	 * {@code grant.holder().agentVersion()}
	 * @param issuer the {@code iss}
	 * @return the token and its row
	 * @throws StaleGrantException when the hold answers another version, or none (the
	 * agent is no longer active): the row is written in the caller's transaction, which
	 * the exception rolls back
	 */
	IssuedToken mintHeld(TokenGrant grant, String issuer) {
		return mint(grant, issuer, true);
	}

	private IssuedToken mint(TokenGrant grant, String issuer, boolean hold) {
		Assert.notNull(grant, "grant cannot be null");
		Assert.hasText(issuer, "issuer cannot be empty");
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"a token is minted inside the transaction that audits it");
		Jti jti = Jti.random();
		String scope = String.join(" ", new TreeSet<>(grant.scopes()));
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iss", issuer);
		TokenGrant.Holder holder = grant.holder();
		TokenGrant.Derivation derivation = grant.derivation();
		claims.put("sub", holder.subject());
		claims.put("aud", grant.audience());
		claims.put("client_id", holder.clientId());
		if (!scope.isEmpty()) {
			claims.put("scope", scope);
		}
		claims.put("iat", grant.issuedAt().getEpochSecond());
		claims.put("nbf", grant.issuedAt().getEpochSecond());
		// whole seconds: exp (RFC 7519 §4.1.4, a NumericDate) and the row's expires_at
		// are
		// the same instant, so that recognising the token names its row's partition (V25)
		Instant expiresAt = grant.expiresAt().truncatedTo(ChronoUnit.SECONDS);
		claims.put("exp", expiresAt.getEpochSecond());
		claims.put("jti", jti.value());
		putIfPresent(claims, "owner", holder.owner());
		putIfPresent(claims, "agent_version", holder.agentVersion());
		putIfPresent(claims, "task", grant.task());
		putIfPresent(claims, "act", derivation.act());
		if (derivation.parentJti() != null) {
			claims.put("parent_jti", derivation.parentJti().value());
		}
		if (grant.cnfJkt() != null) {
			claims.put("cnf", Map.of("jkt", grant.cnfJkt()));
		}
		new java.util.TreeMap<>(grant.extraClaims()).forEach(claims::put);
		SigningKeys.ActiveKey key = this.keys.active();
		JWSObject jws = new JWSObject(new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(AT_JWT).build(),
				new Payload(JSONObjectUtils.toJSONString(claims)));
		try {
			jws.sign(key.signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign the access token", ex);
		}
		String value = jws.serialize();
		// the kid of the key that signed it, not a header read back: rotation between
		// the two cannot make them differ
		TokenRecord record = new TokenRecord(jti,
				new TokenRecord.Holder(holder.agentId(), holder.subject(), holder.clientId(), holder.owner()),
				grant.scopes(), grant.audience(), grant.task(),
				new TokenRecord.Family(derivation.parentJti(),
						(derivation.rootJti() != null) ? derivation.rootJti() : jti, derivation.depth(),
						(derivation.act() != null) ? JSONObjectUtils.toJSONString(derivation.act()) : null),
				new TokenRecord.Lifetime(grant.issuedAt(), expiresAt, null), grant.cnfJkt(), key.kid());
		if (!hold) {
			this.tokens.insert(record, sha256(value), holder.agentVersion(), holder.clientKid());
		}
		else if (!Objects.equals(
				this.tokens.insertHeld(record, sha256(value), holder.agentVersion(), holder.clientKid()),
				holder.agentVersion())) {
			throw new StaleGrantException();
		}
		return new IssuedToken(value, record);
	}

	private static void putIfPresent(Map<String, Object> claims, String name, Object value) {
		if (value != null) {
			claims.put(name, value);
		}
	}

	static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

}
