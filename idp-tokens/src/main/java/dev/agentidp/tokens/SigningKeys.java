package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The provider's signing keys, kept in PostgreSQL so that every node and every restart
 * signs with the same keys. The first node to start with an empty table generates the key
 * (under an advisory lock, so two nodes starting together agree on one). Private parts
 * are stored encrypted ({@link SigningKeyCipher}); the decrypted keys live only in
 * memory.
 * <p>
 * As a {@link JWKSource} it serves the public keys (current and retired ones kept for
 * verification) to the JWKS endpoint. When the configured algorithm changes, the node
 * that starts with the new setting generates a key for it and retires the old algorithm's
 * key, which stays published for 25 h: the JWKS serves both keys during the switch.
 */
public final class SigningKeys implements JWKSource<SecurityContext>, InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(SigningKeys.class);

	/** Retired keys stay published this long, so tokens they signed still verify. */
	private static final Duration RETIRED_KEY_PUBLISHED = Duration.ofHours(25);

	private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(5);

	private static final long ADVISORY_LOCK_ID = 0x6964705f6b657973L;

	private static final String LOCK = "SELECT pg_advisory_xact_lock(?)";

	private static final String COUNT_ACTIVE = "SELECT count(*) FROM signing_key WHERE status = 'active' AND algorithm = ?";

	private static final String INSERT_KEY = """
			INSERT INTO signing_key (kid, algorithm, public_jwk, private_key_enc, status, created_at)
			VALUES (?, ?, ?::jsonb, ?, 'active', now())""";

	/**
	 * A switch of {@code idp.tokens.signing-algorithm}: the other algorithm's key stops
	 * signing but stays published for {@link #RETIRED_KEY_PUBLISHED}, longer than any
	 * token lives, so that the tokens it signed still verify.
	 */
	private static final String RETIRE_OTHER_ALGORITHMS = """
			UPDATE signing_key SET status = 'retired', retired_at = now()
			WHERE status = 'active' AND algorithm <> ?""";

	private static final String SELECT_PUBLISHED = """
			SELECT kid, algorithm, public_jwk::text AS public_jwk, private_key_enc, status
			FROM signing_key WHERE status = 'active' OR retired_at > ? ORDER BY created_at DESC""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final SigningKeyCipher cipher;

	private final JWSAlgorithm algorithm;

	private volatile State state = new State(null, Map.of(), new JWKSet());

	private volatile Instant lastReload = Instant.EPOCH;

	/**
	 * @param jdbc database access
	 * @param transactions transaction template
	 * @param cipher the cipher of the private parts
	 * @param algorithm {@code EdDSA} or {@code ES256}
	 */
	public SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, SigningKeyCipher cipher, String algorithm) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(cipher, "cipher cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.cipher = cipher;
		this.algorithm = JWSAlgorithm.parse(algorithm);
	}

	@Override
	public void afterPropertiesSet() {
		this.transactions.executeWithoutResult((tx) -> {
			this.jdbc.sql(LOCK).param(ADVISORY_LOCK_ID).query((rs, row) -> row).list();
			long active = this.jdbc.sql(COUNT_ACTIVE).param(this.algorithm.getName()).query(Long.class).single();
			if (active == 0) {
				JWK key = generate();
				this.jdbc.sql(INSERT_KEY)
					.params(key.getKeyID(), this.algorithm.getName(), key.toPublicJWK().toJSONString(),
							this.cipher.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), key.getKeyID()))
					.update();
				logger.info("Generated a new {} signing key, kid {}", this.algorithm, key.getKeyID());
			}
			int retired = this.jdbc.sql(RETIRE_OTHER_ALGORITHMS).param(this.algorithm.getName()).update();
			if (retired > 0) {
				logger.info(
						"idp.tokens.signing-algorithm is now {}: retired {} signing key(s) of another algorithm;"
								+ " they stay in the JWKS for {} h so that the tokens they signed still verify",
						this.algorithm, retired, RETIRED_KEY_PUBLISHED.toHours());
			}
		});
		reload();
		logger.info("Signing with {} key {}", this.algorithm, this.state.active().kid());
	}

	/**
	 * The key new tokens are signed with.
	 * @return the active key
	 */
	public ActiveKey active() {
		return this.state.active();
	}

	/**
	 * The verification key for a key id, reloading from the database (at most every few
	 * seconds) when another node has added a key this one has not seen.
	 * @param kid the key id from a JWS header
	 * @return the public key, or empty when this provider never published it
	 */
	public Optional<PublicKey> verificationKey(String kid) {
		if (kid == null) {
			return Optional.empty();
		}
		PublicKey key = this.state.verificationKeys().get(kid);
		if (key == null && Instant.now().isAfter(this.lastReload.plus(RELOAD_AT_MOST_EVERY))) {
			reload();
			key = this.state.verificationKeys().get(kid);
		}
		return Optional.ofNullable(key);
	}

	/**
	 * The published public keys.
	 * @return the JWK set, public parts only
	 */
	public JWKSet publicKeys() {
		return this.state.publicKeys();
	}

	@Override
	public List<JWK> get(JWKSelector selector, SecurityContext context) {
		return selector.select(this.state.publicKeys());
	}

	/** Reads the keys from the database again. */
	public synchronized void reload() {
		List<JWK> published = new ArrayList<>();
		Map<String, PublicKey> verification = new HashMap<>();
		ActiveKey[] active = new ActiveKey[1];
		this.jdbc.sql(SELECT_PUBLISHED)
			.param(java.sql.Timestamp.from(Instant.now().minus(RETIRED_KEY_PUBLISHED)))
			.query((ResultSet rs) -> {
				String kid = rs.getString("kid");
				JWK publicJwk = parse(rs.getString("public_jwk"));
				published.add(publicJwk);
				verification.put(kid, toPublicKey(publicJwk));
				if (active[0] == null && "active".equals(rs.getString("status"))
						&& this.algorithm.getName().equals(rs.getString("algorithm"))) {
					active[0] = activeKey(kid, rs);
				}
			});
		Assert.state(active[0] != null, "No active " + this.algorithm + " signing key in the database");
		this.state = new State(active[0], Map.copyOf(verification), new JWKSet(published));
		this.lastReload = Instant.now();
	}

	private ActiveKey activeKey(String kid, ResultSet rs) throws SQLException {
		byte[] privateJson = this.cipher.decrypt(rs.getBytes("private_key_enc"), kid);
		JWK privateJwk = parse(new String(privateJson, StandardCharsets.UTF_8));
		if (privateJwk instanceof OctetKeyPair okp) {
			return new ActiveKey(kid, this.algorithm, new Ed25519JwsSigner(okp.getD().decode(), okp.getX().decode()));
		}
		if (privateJwk instanceof ECKey ec && ec.getD() != null) {
			return new ActiveKey(kid, this.algorithm, new Es256JwsSigner(ec.getD().decodeToBigInteger()));
		}
		throw new IllegalStateException("Unusable signing key " + kid);
	}

	private JWK generate() {
		try {
			if (JWSAlgorithm.ES256.equals(this.algorithm)) {
				ECKey key = new ECKeyGenerator(Curve.P_256).algorithm(JWSAlgorithm.ES256)
					.keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
					.generate();
				return new ECKey.Builder(key).keyIDFromThumbprint().build();
			}
			byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
			Ed25519.generatePrivateKey(new SecureRandom(), sk);
			byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
			Ed25519.generatePublicKey(sk, 0, pk, 0);
			OctetKeyPair key = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(pk)).d(Base64URL.encode(sk))
				.algorithm(JWSAlgorithm.EdDSA)
				.keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
				.build();
			return new OctetKeyPair.Builder(key).keyIDFromThumbprint().build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot generate a signing key", ex);
		}
	}

	static PublicKey toPublicKey(JWK jwk) {
		try {
			if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
				// stored keys were fully validated when they were stored (registry,
				// provider)
				return Ed25519PublicKey.ofStored(okp.getX().decode());
			}
			if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
				return ec.toECPublicKey();
			}
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("Unusable public key " + jwk.getKeyID(), ex);
		}
		throw new IllegalArgumentException("Unsupported key type " + jwk.getKeyType());
	}

	private static JWK parse(String json) {
		try {
			return JWK.parse(json);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Stored JWK cannot be parsed", ex);
		}
	}

	/**
	 * The key new tokens are signed with.
	 *
	 * @param kid its key id (RFC 7638 thumbprint)
	 * @param algorithm its JWS algorithm
	 * @param signer the signer
	 */
	public record ActiveKey(String kid, JWSAlgorithm algorithm, JWSSigner signer) {
	}

	private record State(ActiveKey active, Map<String, PublicKey> verificationKeys, JWKSet publicKeys) {
	}

}
