package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.ResultSet;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;
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
 * {@link #rotate} does the same on demand (issue 14, item 9), and every node switches to
 * the new key within {@link #ACTIVE_CHECK_EVERY}.
 * <p>
 * Every row is authenticated with the key-encryption key before it is published or used
 * (issue 14, item 1): its private part must decrypt (AES-GCM, the {@code kid} bound as
 * associated data), and the decrypted key must be the row's public key (same RFC 7638
 * thumbprint, same {@code kid}) for the row's algorithm. A row that fails, such as one
 * inserted by a database writer who does not hold the key-encryption key, is never
 * published nor trusted: it is skipped, logged at WARN once per node and counted
 * ({@link #unauthenticatedRows()}).
 * <p>
 * About 390 lines, deliberately one class: the key lifecycle (first key, rotation under a
 * cluster-wide advisory lock, algorithm switch, reload with per-row authentication, the
 * hot path's check for another node's rotation) shares one volatile state, and its
 * locking reads best in one place. Key material itself is {@link SigningKeyMaterial}'s.
 */
public final class SigningKeys implements JWKSource<SecurityContext>, InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(SigningKeys.class);

	/** Retired keys stay published this long, so tokens they signed still verify. */
	private static final Duration RETIRED_KEY_PUBLISHED = Duration.ofHours(25);

	private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(5);

	/**
	 * How often a node looks whether another node rotated the key: one indexed read a
	 * second at most, from one request thread while the others sign on.
	 */
	static final Duration ACTIVE_CHECK_EVERY = Duration.ofSeconds(1);

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
			SELECT kid, algorithm, public_jwk::text AS public_jwk, private_key_enc, status, created_at, retired_at
			FROM signing_key WHERE status = 'active' OR retired_at > ? ORDER BY created_at DESC""";

	private static final String NEWEST_ACTIVE = """
			SELECT kid FROM signing_key WHERE status = 'active' ORDER BY created_at DESC LIMIT 1""";

	/** A rotation: every active key stops signing and stays published like a switch. */
	private static final String RETIRE_ACTIVE = """
			UPDATE signing_key SET status = 'retired', retired_at = now() WHERE status = 'active' RETURNING kid""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final SigningKeyCipher cipher;

	private final JWSAlgorithm algorithm;

	private final ApplicationEventPublisher events;

	private volatile State state = new State(null, Map.of(), new JWKSet(), List.of());

	private volatile Instant lastReload = Instant.EPOCH;

	/**
	 * When this node last looked for a rotation by another node
	 * ({@link System#nanoTime}).
	 */
	private final AtomicLong lastActiveCheck = new AtomicLong(System.nanoTime());

	/** The newest active kid the database named at the last look. */
	private volatile String newestActiveSeen;

	/** Rows refused so far, each logged once. */
	private final Set<String> refusedKids = ConcurrentHashMap.newKeySet();

	private final AtomicLong unauthenticatedRows = new AtomicLong();

	/**
	 * @param jdbc database access
	 * @param transactions transaction template
	 * @param cipher the cipher of the private parts
	 * @param algorithm {@code EdDSA} or {@code ES256}
	 */
	public SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, SigningKeyCipher cipher, String algorithm) {
		this(jdbc, transactions, cipher, algorithm, (event) -> {
		});
	}

	/**
	 * @param jdbc database access
	 * @param transactions transaction template
	 * @param cipher the cipher of the private parts
	 * @param algorithm {@code EdDSA} or {@code ES256}
	 * @param events where {@link SigningKeyRotated} is published
	 */
	public SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, SigningKeyCipher cipher, String algorithm,
			ApplicationEventPublisher events) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(cipher, "cipher cannot be null");
		Assert.notNull(events, "events cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.cipher = cipher;
		this.algorithm = JWSAlgorithm.parse(algorithm);
		this.events = events;
	}

	@Override
	public void afterPropertiesSet() {
		this.transactions.executeWithoutResult((tx) -> {
			this.jdbc.sql(LOCK).param(ADVISORY_LOCK_ID).query((rs, row) -> row).list();
			long active = this.jdbc.sql(COUNT_ACTIVE).param(this.algorithm.getName()).query(Long.class).single();
			if (active == 0) {
				insert(SigningKeyMaterial.generate(this.algorithm));
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
		logger.info("Signing with {} key {}", this.state.active().algorithm(), this.state.active().kid());
	}

	/**
	 * Rotates the provider's signing key (issue 14, item 9): a new key signs from now on,
	 * on this node at once and on every other within {@link #ACTIVE_CHECK_EVERY}; every
	 * key that was active is retired and stays published for 25 h, longer than any token
	 * lives, so the tokens it signed verify until they expire. Recorded as
	 * {@link SigningKeyRotated} in the rotating transaction. The algorithm chosen here
	 * lasts until a node starts with another {@code idp.tokens.signing-algorithm}, which
	 * then switches back as on any change of the setting.
	 * @param algorithm {@code EdDSA} or {@code ES256}, or {@code null} for the algorithm
	 * of the key that signs now
	 * @param actor the admin client that rotates
	 * @return the new key
	 */
	public KeyInfo rotate(String algorithm, String actor) {
		JWSAlgorithm chosen = (algorithm != null) ? JWSAlgorithm.parse(algorithm) : active().algorithm();
		Assert.isTrue(JWSAlgorithm.EdDSA.equals(chosen) || JWSAlgorithm.ES256.equals(chosen),
				"algorithm must be EdDSA or ES256");
		JWK key = SigningKeyMaterial.generate(chosen);
		this.transactions.executeWithoutResult((tx) -> {
			this.jdbc.sql(LOCK).param(ADVISORY_LOCK_ID).query((rs, row) -> row).list();
			List<String> retired = this.jdbc.sql(RETIRE_ACTIVE).query(String.class).list();
			insert(key, chosen);
			this.events.publishEvent(new SigningKeyRotated(key.getKeyID(), chosen.getName(), retired, actor));
		});
		reload();
		logger.info("Rotated the signing key: now signing with {} key {}", chosen, key.getKeyID());
		return keys().stream()
			.filter((info) -> info.kid().equals(key.getKeyID()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The new signing key " + key.getKeyID() + " was not loaded"));
	}

	/**
	 * The key new tokens are signed with. Once a second at most, one caller looks whether
	 * another node rotated the key, and reloads if it did.
	 * @return the active key
	 */
	public ActiveKey active() {
		long now = System.nanoTime();
		long last = this.lastActiveCheck.get();
		if (now - last >= ACTIVE_CHECK_EVERY.toNanos() && this.lastActiveCheck.compareAndSet(last, now)) {
			String newest = this.jdbc.sql(NEWEST_ACTIVE).query(String.class).optional().orElse(null);
			String seen = this.newestActiveSeen;
			this.newestActiveSeen = newest;
			ActiveKey current = this.state.active();
			if (newest != null && !newest.equals(seen) && (current == null || !newest.equals(current.kid()))) {
				reload();
			}
		}
		return this.state.active();
	}

	/**
	 * The keys this node publishes or refused, newest first, public parts and status only
	 * (for {@code GET /admin/v1/signing-keys}).
	 * @return the keys
	 */
	public List<KeyInfo> keys() {
		return this.state.keys();
	}

	/**
	 * How many {@code signing_key} rows this node refused since it started because they
	 * failed authentication with the key-encryption key (each counted once).
	 * @return the count
	 */
	public long unauthenticatedRows() {
		return this.unauthenticatedRows.get();
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

	/** Reads the keys from the database again, authenticating every row. */
	public synchronized void reload() {
		List<JWK> published = new ArrayList<>();
		Map<String, PublicKey> verification = new HashMap<>();
		List<KeyInfo> infos = new ArrayList<>();
		ActiveKey[] active = new ActiveKey[1];
		SigningKeyDecryptionException[] undecryptable = new SigningKeyDecryptionException[1];
		this.jdbc.sql(SELECT_PUBLISHED)
			.param(java.sql.Timestamp.from(Instant.now().minus(RETIRED_KEY_PUBLISHED)))
			.query((ResultSet rs) -> {
				String kid = rs.getString("kid");
				String algorithm = rs.getString("algorithm");
				String status = rs.getString("status");
				Instant createdAt = rs.getTimestamp("created_at").toInstant();
				java.sql.Timestamp retiredAt = rs.getTimestamp("retired_at");
				Instant publishedUntil = (retiredAt != null) ? retiredAt.toInstant().plus(RETIRED_KEY_PUBLISHED) : null;
				JWK privateJwk;
				JWK publicJwk;
				try {
					publicJwk = JWK.parse(rs.getString("public_jwk"));
					privateJwk = SigningKeyMaterial.authenticate(this.cipher, kid, algorithm, publicJwk,
							rs.getBytes("private_key_enc"));
				}
				catch (SigningKeyDecryptionException ex) {
					if ("active".equals(status) && undecryptable[0] == null) {
						undecryptable[0] = ex;
					}
					privateJwk = null;
					publicJwk = null;
				}
				catch (ParseException | JOSEException | RuntimeException ex) {
					privateJwk = null;
					publicJwk = null;
				}
				if (privateJwk == null) {
					refused(kid);
					infos.add(new KeyInfo(kid, algorithm, "unauthenticated", null, createdAt, publishedUntil));
					return;
				}
				published.add(publicJwk);
				verification.put(kid, SigningKeyMaterial.toPublicKey(publicJwk));
				boolean signs = active[0] == null && "active".equals(status);
				if (signs) {
					active[0] = SigningKeyMaterial.activeKey(kid, JWSAlgorithm.parse(algorithm), privateJwk);
				}
				infos.add(new KeyInfo(kid, algorithm, signs ? "active" : "retired", publicJwk.toJSONObject(), createdAt,
						publishedUntil));
			});
		if (active[0] == null && undecryptable[0] != null) {
			// every key that could sign is sealed with another key-encryption key: say so
			throw undecryptable[0];
		}
		Assert.state(active[0] != null,
				"No active signing key in the database that the key-encryption key" + " authenticates");
		this.state = new State(active[0], Map.copyOf(verification), new JWKSet(published), List.copyOf(infos));
		this.newestActiveSeen = active[0].kid();
		this.lastReload = Instant.now();
	}

	private void refused(String kid) {
		if (this.refusedKids.add(kid)) {
			this.unauthenticatedRows.incrementAndGet();
			logger.warn("Signing key {} in the signing_key table does not authenticate with the key-encryption key"
					+ " (written by someone who does not hold it, or altered): it is neither published nor trusted",
					kid);
		}
	}

	private void insert(JWK key) {
		insert(key, this.algorithm);
	}

	private void insert(JWK key, JWSAlgorithm algorithm) {
		this.jdbc.sql(INSERT_KEY)
			.params(key.getKeyID(), algorithm.getName(), key.toPublicJWK().toJSONString(),
					this.cipher.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), key.getKeyID()))
			.update();
		logger.info("Generated a new {} signing key, kid {}", algorithm, key.getKeyID());
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

	/**
	 * A signing key as the admin API lists it: public parts and status only.
	 *
	 * @param kid its key id
	 * @param algorithm its JWS algorithm
	 * @param status {@code active} (signs), {@code retired} (published for verification)
	 * or {@code unauthenticated} (refused: neither published nor trusted)
	 * @param publicJwk its public JWK members, or {@code null} when refused
	 * @param createdAt when it was generated
	 * @param publishedUntil until when a retired key stays published, or {@code null}
	 */
	public record KeyInfo(String kid, String algorithm, String status, Map<String, Object> publicJwk, Instant createdAt,
			Instant publishedUntil) {
	}

	private record State(ActiveKey active, Map<String, PublicKey> verificationKeys, JWKSet publicKeys,
			List<KeyInfo> keys) {
	}

}
