package dev.agentidp.tokens;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.WorkloadIdentities;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The trusted issuers (docs/workload-identity.md), the facade of the admin API's
 * {@code /admin/v1/trusted-issuers}: add, read, change and remove, each change audited
 * ({@link TrustedIssuerChanged}) in its transaction. In PostgreSQL, read on every
 * federated authentication, so that every node trusts the same issuers at once; their
 * fetched keys are cached per node ({@link IssuerKeys}). The rules of what may be written
 * are here, one place for every writer.
 */
public final class TrustedIssuers {

	/** The most audiences one issuer may list. */
	static final int MAX_AUDIENCES = 16;

	/** The longest {@code subjectPattern}. */
	static final int MAX_PATTERN_LENGTH = 512;

	/** The longest inline JWK Set. */
	static final int MAX_JWKS_LENGTH = 64 * 1024;

	private static final String COLUMNS = """
			id, issuer, kind, jwks::text AS jwks, jwks_uri, audiences::text AS audiences, subject_pattern,
			trust_domain, max_token_age_seconds, created_at, updated_at""";

	private static final String INSERT = """
			INSERT INTO trusted_issuer (id, issuer, kind, jwks, jwks_uri, audiences, subject_pattern, trust_domain,
			    max_token_age_seconds, created_at, updated_at)
			VALUES (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?)""";

	private static final String UPDATE = """
			UPDATE trusted_issuer SET issuer = ?, kind = ?, jwks = ?::jsonb, jwks_uri = ?, audiences = ?::jsonb,
			    subject_pattern = ?, trust_domain = ?, max_token_age_seconds = ?, updated_at = ?
			WHERE id = ?""";

	private static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM trusted_issuer WHERE id = ?";

	private static final String SELECT_FOR_UPDATE = SELECT_BY_ID + " FOR UPDATE";

	private static final String SELECT_BY_ISSUER = "SELECT " + COLUMNS + " FROM trusted_issuer WHERE issuer = ?";

	private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM trusted_issuer ORDER BY issuer";

	private static final String DELETE = "DELETE FROM trusted_issuer WHERE id = ?";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final OutboundUrls urls;

	private final Clock clock;

	TrustedIssuers(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
			OutboundUrls urls, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(urls, "urls cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.events = events;
		this.urls = urls;
		this.clock = clock;
	}

	/**
	 * Adds a trusted issuer.
	 * @param settings what it trusts
	 * @param actor the admin client
	 * @return the issuer, as stored
	 * @throws InvalidInputException naming the first member that breaks a rule
	 * @throws TrustedIssuerExistsException when the issuer is already trusted
	 */
	public TrustedIssuer add(TrustedIssuerSettings settings, String actor) {
		check(settings);
		Instant now = this.clock.instant();
		TrustedIssuer issuer = new TrustedIssuer(UUID.randomUUID(), settings, now, now);
		try {
			this.transactions.executeWithoutResult((tx) -> {
				this.jdbc.sql(INSERT)
					.params(issuer.id(), settings.issuer(), settings.kind().value(), settings.jwks(),
							settings.jwksUri(), JSON.writeValueAsString(settings.audiences()),
							settings.subjectPattern(), settings.trustDomain(), settings.maxTokenAgeSeconds(),
							Timestamp.from(now), Timestamp.from(now))
					.update();
				this.events.publishEvent(new TrustedIssuerChanged("added", issuer, null, actor));
			});
		}
		catch (DuplicateKeyException ex) {
			throw new TrustedIssuerExistsException(settings.issuer());
		}
		return issuer;
	}

	/**
	 * Changes a trusted issuer.
	 * @param id its id
	 * @param change what the administrator changes of its settings
	 * @param actor the admin client
	 * @return the issuer, as stored
	 * @throws TrustedIssuerNotFoundException when there is none
	 * @throws InvalidInputException naming the first member that breaks a rule
	 */
	public TrustedIssuer update(UUID id, UnaryOperator<TrustedIssuerSettings> change, String actor) {
		Assert.notNull(change, "change cannot be null");
		try {
			return this.transactions.execute((tx) -> {
				TrustedIssuer current = this.jdbc.sql(SELECT_FOR_UPDATE)
					.param(id)
					.query(TrustedIssuers::read)
					.optional()
					.orElseThrow(() -> new TrustedIssuerNotFoundException(String.valueOf(id)));
				TrustedIssuerSettings settings = change.apply(current.settings());
				check(settings);
				Instant now = this.clock.instant();
				this.jdbc.sql(UPDATE)
					.params(settings.issuer(), settings.kind().value(), settings.jwks(), settings.jwksUri(),
							JSON.writeValueAsString(settings.audiences()), settings.subjectPattern(),
							settings.trustDomain(), settings.maxTokenAgeSeconds(), Timestamp.from(now), id)
					.update();
				TrustedIssuer updated = new TrustedIssuer(id, settings, current.createdAt(), now);
				this.events.publishEvent(
						new TrustedIssuerChanged("updated", updated, changed(current.settings(), settings), actor));
				return updated;
			});
		}
		catch (DuplicateKeyException ex) {
			throw new TrustedIssuerExistsException(change.apply(get(id).settings()).issuer());
		}
	}

	/**
	 * Removes a trusted issuer: its tokens are refused from now on, on every node (tokens
	 * already issued on them live on until they expire or are revoked).
	 * @param id its id
	 * @param actor the admin client
	 * @throws TrustedIssuerNotFoundException when there is none
	 */
	public void remove(UUID id, String actor) {
		this.transactions.executeWithoutResult((tx) -> {
			TrustedIssuer current = this.jdbc.sql(SELECT_FOR_UPDATE)
				.param(id)
				.query(TrustedIssuers::read)
				.optional()
				.orElseThrow(() -> new TrustedIssuerNotFoundException(String.valueOf(id)));
			this.jdbc.sql(DELETE).param(id).update();
			this.events.publishEvent(new TrustedIssuerChanged("removed", current, null, actor));
		});
	}

	/**
	 * A trusted issuer.
	 * @param id its id
	 * @return the issuer
	 * @throws TrustedIssuerNotFoundException when there is none
	 */
	public TrustedIssuer get(UUID id) {
		return this.jdbc.sql(SELECT_BY_ID)
			.param(id)
			.query(TrustedIssuers::read)
			.optional()
			.orElseThrow(() -> new TrustedIssuerNotFoundException(String.valueOf(id)));
	}

	/**
	 * Every trusted issuer, by issuer.
	 * @return the issuers
	 */
	public List<TrustedIssuer> list() {
		return this.jdbc.sql(SELECT_ALL).query(TrustedIssuers::read).list();
	}

	/**
	 * The trusted issuer of a token's {@code iss}: one indexed read.
	 * @param issuer the {@code iss}
	 * @return the issuer, or empty when it is not trusted
	 */
	Optional<TrustedIssuer> find(String issuer) {
		return this.jdbc.sql(SELECT_BY_ISSUER).param(issuer).query(TrustedIssuers::read).optional();
	}

	private static TrustedIssuer read(ResultSet rs, int row) throws SQLException {
		List<String> audiences = new ArrayList<>();
		JSON.readTree(rs.getString("audiences")).forEach((node) -> audiences.add(node.asString()));
		TrustedIssuerKind kind = TrustedIssuerKind.from(rs.getString("kind"))
			.orElseThrow(() -> new IllegalStateException("A stored trusted issuer kind is unknown"));
		TrustedIssuerSettings settings = new TrustedIssuerSettings(rs.getString("issuer"), kind, rs.getString("jwks"),
				rs.getString("jwks_uri"), audiences, rs.getString("subject_pattern"), rs.getString("trust_domain"),
				rs.getInt("max_token_age_seconds"));
		return new TrustedIssuer(rs.getObject("id", UUID.class), settings, rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("updated_at").toInstant());
	}

	private static List<String> changed(TrustedIssuerSettings before, TrustedIssuerSettings after) {
		List<String> changed = new ArrayList<>();
		add(changed, "issuer", before.issuer(), after.issuer());
		add(changed, "kind", before.kind(), after.kind());
		add(changed, "jwks", before.jwks(), after.jwks());
		add(changed, "jwksUri", before.jwksUri(), after.jwksUri());
		add(changed, "audiences", before.audiences(), after.audiences());
		add(changed, "subjectPattern", before.subjectPattern(), after.subjectPattern());
		add(changed, "trustDomain", before.trustDomain(), after.trustDomain());
		add(changed, "maxTokenAgeSeconds", before.maxTokenAgeSeconds(), after.maxTokenAgeSeconds());
		return changed;
	}

	private static void add(List<String> changed, String member, Object before, Object after) {
		if (!Objects.equals(before, after)) {
			changed.add(member);
		}
	}

	/**
	 * The rules of a trusted issuer (docs/api.md "Trusted issuers").
	 * @param settings the settings
	 * @throws InvalidInputException naming the first member that breaks one
	 */
	void check(TrustedIssuerSettings settings) {
		Assert.notNull(settings, "settings cannot be null");
		if (settings.issuer() == null) {
			throw new InvalidInputException("issuer", "is required");
		}
		if (!WorkloadIdentities.isIssuer(settings.issuer())) {
			throw new InvalidInputException("issuer", WorkloadIdentities.ISSUER_RULE);
		}
		if (settings.kind() == null) {
			throw new InvalidInputException("kind", "is required: kubernetes, spiffe, attester or oidc");
		}
		if (settings.jwks() != null && settings.jwksUri() != null) {
			throw new InvalidInputException("jwks", "give either jwks or jwksUri, not both");
		}
		if (settings.jwks() != null) {
			checkJwks(settings.jwks());
		}
		if (settings.jwksUri() != null) {
			this.urls.check("jwksUri", settings.jwksUri());
		}
		else if (settings.jwks() == null) {
			// the keys are discovered from the issuer's metadata: it must be fetchable
			this.urls.check("issuer", settings.issuer());
		}
		List<String> audiences = settings.audiences();
		if (audiences.size() > MAX_AUDIENCES) {
			throw new InvalidInputException("audiences", "must hold at most " + MAX_AUDIENCES + " elements");
		}
		for (int i = 0; i < audiences.size(); i++) {
			String audience = audiences.get(i);
			if (audience == null || audience.isEmpty() || audience.length() > 512
					|| audience.chars().anyMatch(Character::isISOControl)) {
				throw new InvalidInputException("audiences[" + i + "]",
						"must be 1-512 characters without control characters");
			}
			if (audiences.indexOf(audience) != i) {
				throw new InvalidInputException("audiences[" + i + "]", "duplicates " + audience);
			}
		}
		if (settings.subjectPattern() != null) {
			checkPattern(settings.subjectPattern());
		}
		if (settings.kind() == TrustedIssuerKind.SPIFFE) {
			if (settings.trustDomain() == null
					|| WorkloadIdentities.trustDomain(WorkloadIdentities.SPIFFE_SCHEME + settings.trustDomain())
						.isEmpty()) {
				throw new InvalidInputException("trustDomain",
						"is required for kind spiffe: a SPIFFE trust domain, 1-255 of [a-z0-9._-]");
			}
		}
		else if (settings.trustDomain() != null) {
			throw new InvalidInputException("trustDomain", "is only for kind spiffe");
		}
		if (settings.maxTokenAgeSeconds() < 1 || settings.maxTokenAgeSeconds() > 86_400) {
			throw new InvalidInputException("maxTokenAgeSeconds", "must be between 1 and 86400 seconds (24 h)");
		}
	}

	/**
	 * An inline JWK Set: public asymmetric keys only (RFC 7517 §5), each with a
	 * {@code kid}; never a symmetric key, never a private part.
	 */
	private static void checkJwks(String jwks) {
		if (jwks.length() > MAX_JWKS_LENGTH) {
			throw new InvalidInputException("jwks", "must be at most " + MAX_JWKS_LENGTH + " characters");
		}
		JWKSet set;
		try {
			set = JWKSet.parse(jwks);
		}
		catch (ParseException ex) {
			throw new InvalidInputException("jwks", "must be a JWK Set (RFC 7517 §5): {\"keys\": [...]}");
		}
		if (set.getKeys().isEmpty()) {
			throw new InvalidInputException("jwks", "must hold at least one key");
		}
		for (int i = 0; i < set.getKeys().size(); i++) {
			JWK key = set.getKeys().get(i);
			if (KeyType.OCT.equals(key.getKeyType())) {
				throw new InvalidInputException("jwks.keys[" + i + "]",
						"must be a public key (RSA, EC or OKP), never a symmetric one");
			}
			if (key.isPrivate()) {
				throw new InvalidInputException("jwks.keys[" + i + "]", "must hold no private part");
			}
			if (key.getKeyID() == null) {
				throw new InvalidInputException("jwks.keys[" + i + "].kid", "is required");
			}
		}
	}

	private static void checkPattern(String pattern) {
		if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
			throw new InvalidInputException("subjectPattern", "must be 1-" + MAX_PATTERN_LENGTH + " characters");
		}
		try {
			Pattern.compile(pattern);
		}
		catch (PatternSyntaxException ex) {
			throw new InvalidInputException("subjectPattern",
					"must be a regular expression (the syntax of Java's Pattern)");
		}
	}

	/** Whether a text is an absolute URI (for the checks of {@link OutboundUrls}). */
	static Optional<URI> uri(String text) {
		try {
			URI uri = new URI(text);
			return uri.isAbsolute() ? Optional.of(uri) : Optional.empty();
		}
		catch (URISyntaxException ex) {
			return Optional.empty();
		}
	}

}
