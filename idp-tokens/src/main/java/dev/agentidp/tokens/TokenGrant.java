package dev.agentidp.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.registry.AgentId;

import org.springframework.util.Assert;

/**
 * Everything an access token will say, decided before it is signed. The issuing grant
 * (client credentials, token exchange) has already checked it against its rules
 * ({@code ClientCredentialsPolicy}, {@code DelegationPolicy}); {@link AccessTokenMinter}
 * signs and stores it, the one way any token is issued.
 *
 * @param holder who holds the token and on whose behalf
 * @param scopes the granted scopes (non-empty for agents)
 * @param audience {@code aud}
 * @param task the {@code task} claim, or {@code null}
 * @param issuedAt {@code iat} and {@code nbf}
 * @param expiresAt {@code exp}
 * @param derivation where the token derives from ({@link Derivation#NONE} for a token
 * issued on its own)
 * @param cnfJkt the RFC 7638 thumbprint the token is bound to ({@code cnf.jkt}), or
 * {@code null}
 * @param extraClaims claims a grant module adds beside the registered ones (the CIBA
 * grant's {@code authorization_details} and {@code approval}); never one this record sets
 */
public record TokenGrant(Holder holder, Set<String> scopes, List<String> audience, String task, Instant issuedAt,
		Instant expiresAt, Derivation derivation, String cnfJkt, Map<String, Object> extraClaims) {

	/** The claims {@link AccessTokenMinter} writes itself, which no grant may add. */
	static final Set<String> MINTED_CLAIMS = Set.of("iss", "sub", "aud", "client_id", "scope", "iat", "nbf", "exp",
			"jti", "owner", "agent_version", "task", "act", "parent_jti", "cnf");

	/**
	 * A grant without extra claims.
	 * @param holder who holds the token
	 * @param scopes the granted scopes
	 * @param audience {@code aud}
	 * @param task the {@code task} claim, or {@code null}
	 * @param issuedAt {@code iat} and {@code nbf}
	 * @param expiresAt {@code exp}
	 * @param derivation where the token derives from
	 * @param cnfJkt the {@code cnf.jkt}, or {@code null}
	 */
	public TokenGrant(Holder holder, Set<String> scopes, List<String> audience, String task, Instant issuedAt,
			Instant expiresAt, Derivation derivation, String cnfJkt) {
		this(holder, scopes, audience, task, issuedAt, expiresAt, derivation, cnfJkt, Map.of());
	}

	public TokenGrant {
		Assert.notNull(holder, "holder cannot be null");
		Assert.notNull(scopes, "scopes cannot be null");
		Assert.notEmpty(audience, "audience cannot be empty");
		Assert.notNull(issuedAt, "issuedAt cannot be null");
		Assert.isTrue(expiresAt != null && expiresAt.isAfter(issuedAt), "expiresAt must be after issuedAt");
		Assert.notNull(derivation, "derivation cannot be null");
		scopes = Set.copyOf(scopes);
		audience = List.copyOf(audience);
		extraClaims = (extraClaims != null) ? Map.copyOf(extraClaims) : Map.of();
		Assert.isTrue(extraClaims.keySet().stream().noneMatch(MINTED_CLAIMS::contains),
				"extraClaims cannot replace a claim the minter writes");
	}

	/**
	 * Who holds a token.
	 *
	 * @param agentId the agent acting with the token, or {@code null} for a client that
	 * is not an agent
	 * @param subject {@code sub}: the root principal
	 * @param clientId {@code client_id}: the client that asked for it
	 * @param owner the {@code owner} claim, or {@code null}
	 * @param agentVersion the {@code agent_version} claim, or {@code null}
	 * @param clientKid the {@code kid} of the client's key that authenticated the
	 * request, or {@code null} when no key did (a client secret); not a claim (issue 14,
	 * item 18)
	 */
	public record Holder(AgentId agentId, String subject, String clientId, String owner, Long agentVersion,
			String clientKid) {

		public Holder {
			Assert.hasText(subject, "subject cannot be empty");
			Assert.hasText(clientId, "clientId cannot be empty");
		}

		/**
		 * A client that is not an agent, holding a token for itself.
		 * @param clientId its {@code client_id}, also the {@code sub}
		 * @param clientKid the {@code kid} of the key that authenticated it, or
		 * {@code null}
		 * @return the holder
		 */
		public static Holder client(String clientId, String clientKid) {
			return new Holder(null, clientId, clientId, null, null, clientKid);
		}

	}

	/**
	 * Where a derived token comes from (RFC 8693 token exchange).
	 *
	 * @param parentJti the token it derives from ({@code parent_jti}), or {@code null}
	 * @param rootJti the root of its delegation family, or {@code null} for a root token
	 * @param depth its delegation depth
	 * @param act the RFC 8693 §4.1 {@code act} claim, or {@code null}
	 */
	public record Derivation(Jti parentJti, Jti rootJti, int depth, Map<String, Object> act) {

		/** A token issued on its own: the root of its family. */
		public static final Derivation NONE = new Derivation(null, null, 0, null);

		public Derivation {
			Assert.isTrue(depth >= 0, "depth cannot be negative");
			Assert.isTrue((parentJti == null) == (rootJti == null), "a derived token names its parent and its root");
		}

	}

}
