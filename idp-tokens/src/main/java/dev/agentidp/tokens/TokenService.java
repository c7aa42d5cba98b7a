package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.agentidp.audit.AuditEntry;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The token module's facade: recognising the provider's own tokens, deciding whether one
 * is active, listing an agent's live tokens, and revoking with cascade (a token, every
 * token of an agent, every token of a task; always with every token derived from them).
 * Every revocation is one statement, committed with its {@code token.revoked} audit
 * record before the call returns, so every node's introspection sees it at once. What the
 * registry's changes revoke (suspension, retirement, removed capabilities, a disabled
 * client) is {@link RegistryRevocations}'.
 * <p>
 * Recognising a token does not re-verify its signature: its {@code jti} names its row,
 * and the SHA-256 of the whole token must equal the hash stored when this provider signed
 * it (constant-time comparison). A forged or altered token cannot match; a token whose
 * signing key was withdrawn is refused by {@code kid}.
 */
public class TokenService {

	private static final Logger logger = LoggerFactory.getLogger(TokenService.class);

	/** Longest token accepted for a lookup; anything longer is not one of ours. */
	private static final int MAX_TOKEN_LENGTH = 16 * 1024;

	private static final int MAX_LISTED = 500;

	/** Parsed tokens kept ({@link #parsedTokens}): about 2 KiB each. */
	private static final int MAX_PARSED = 10_000;

	/**
	 * 9999-12-31T23:59:59Z: an {@code exp} beyond it is no token of ours (and no instant
	 * PostgreSQL's timestamptz holds to the second everywhere).
	 */
	private static final long MAX_EXP = 253_402_300_799L;

	/** Expired rows are kept this long after expiry (for audits and late revocations). */
	private static final Duration RETAIN_EXPIRED = Duration.ofHours(1);

	private final IssuedTokens tokens;

	private final ClientAssertions assertions;

	private final SigningKeys keys;

	private final AgentRegistry agents;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final RegistryRevocations revocations;

	/**
	 * Each recognised token's parsed payload, by the token as presented: an agent
	 * presents one token for many calls, and parsing its claims was 7 % of an
	 * introspection's and a decision's CPU samples (JFR, issue 22). Only the parse is
	 * kept; the row (revoked or not, its agent's state) is read on every presentation as
	 * before, and a token enters only once its hash has matched its row.
	 */
	private final Cache<String, ParsedToken> parsedTokens = Caffeine.newBuilder()
		.maximumSize(MAX_PARSED)
		.expireAfterAccess(Duration.ofMinutes(10))
		.build();

	TokenService(IssuedTokens tokens, ClientAssertions assertions, SigningKeys keys, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock,
			RegistryRevocations revocations) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(assertions, "assertions cannot be null");
		Assert.notNull(keys, "keys cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		Assert.notNull(revocations, "revocations cannot be null");
		this.tokens = tokens;
		this.assertions = assertions;
		this.keys = keys;
		this.agents = agents;
		this.transactions = transactions;
		this.events = events;
		this.clock = clock;
		this.revocations = revocations;
	}

	/**
	 * Recognises a token this provider issued, whatever its state.
	 * @param token the compact JWT as presented
	 * @return the token, or empty when it is malformed, unknown, altered or signed by a
	 * withdrawn key
	 */
	public Optional<PresentedToken> recognise(String token) {
		if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
			return Optional.empty();
		}
		ParsedToken parsed = this.parsedTokens.getIfPresent(token);
		boolean known = parsed != null;
		if (!known) {
			parsed = ParsedToken.parse(token);
			if (parsed == null) {
				return Optional.empty();
			}
		}
		Optional<IssuedTokens.StoredToken> stored = this.tokens.find(parsed.jti(), parsed.expiresAt());
		if (stored.isEmpty() || stored.get().tokenHash() == null
				|| !MessageDigest.isEqual(stored.get().tokenHash(), AccessTokenMinter.sha256(token))) {
			return Optional.empty();
		}
		TokenRecord record = stored.get().token();
		if (record.kid() == null || this.keys.verificationKey(record.kid()).isEmpty()) {
			return Optional.empty();
		}
		if (!known) {
			// only a token whose hash matched its row: no other string can fill the cache
			this.parsedTokens.put(token, parsed);
		}
		return Optional.of(new PresentedToken(record, parsed.claims(), stored.get().agentRead(),
				stored.get().agentActiveVersion()));
	}

	/**
	 * How many parsed tokens are kept now, for tests.
	 * @return the count, after pending evictions
	 */
	long parsedTokensKept() {
		this.parsedTokens.cleanUp();
		return this.parsedTokens.estimatedSize();
	}

	/**
	 * What a compact JWT's payload says, read without its signature: the {@code jti} and
	 * {@code exp} that name its row, and its claims, deeply unmodifiable so that one
	 * parse can serve every presentation of the token.
	 */
	private record ParsedToken(Jti jti, Instant expiresAt, Map<String, Object> claims) {

		/**
		 * @return the parsed token, or {@code null} when it cannot be one of ours
		 */
		static ParsedToken parse(String token) {
			int first = token.indexOf('.');
			int second = token.indexOf('.', first + 1);
			if (first <= 0 || second <= first || token.indexOf('.', second + 1) >= 0) {
				return null;
			}
			Map<String, Object> claims;
			try {
				byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
				claims = JSONObjectUtils.parse(new String(payload, StandardCharsets.UTF_8));
			}
			catch (IllegalArgumentException | ParseException ex) {
				return null;
			}
			Optional<Jti> jti = (claims.get("jti") instanceof String text) ? Jti.parse(text) : Optional.empty();
			// RFC 7519 §4.1.4: exp is a NumericDate; the provider writes whole seconds,
			// the expiry stored in the token's row (AccessTokenMinter), so that the
			// lookup names the row's partition. A token without one, or with another, is
			// not one of ours (its hash would not match either).
			Optional<Instant> exp = (claims.get("exp") instanceof Long seconds && seconds > 0 && seconds <= MAX_EXP)
					? Optional.of(Instant.ofEpochSecond(seconds)) : Optional.empty();
			if (jti.isEmpty() || exp.isEmpty()) {
				return null;
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> frozen = (Map<String, Object>) frozen(claims);
			return new ParsedToken(jti.get(), exp.get(), frozen);
		}

		/** JSON values with every map and list unmodifiable (JSON nulls kept). */
		private static Object frozen(Object value) {
			if (value instanceof Map<?, ?> map) {
				Map<Object, Object> copy = new LinkedHashMap<>();
				map.forEach((key, member) -> copy.put(key, frozen(member)));
				return Collections.unmodifiableMap(copy);
			}
			if (value instanceof List<?> list) {
				List<Object> copy = new ArrayList<>(list.size());
				list.forEach((member) -> copy.add(frozen(member)));
				return Collections.unmodifiableList(copy);
			}
			return value;
		}

	}

	/**
	 * Whether a recognised token is active now: not revoked, not expired, and its agent
	 * and every ancestor of it active.
	 * @param token the token
	 * @return {@code true} when active
	 */
	public boolean isActive(PresentedToken token) {
		TokenRecord record = token.record();
		if (!record.liveAt(this.clock.instant())) {
			return false;
		}
		if (record.holder().agentId() == null) {
			return true;
		}
		// read with the row when the token was recognised (one statement), else now
		return token.agentRead() ? token.agentActiveVersion() != null
				: this.agents.isActiveWithAncestors(record.holder().agentId());
	}

	/**
	 * The agent a recognised token acts for, when the token is active now by the rules of
	 * {@link #isActive(PresentedToken)}, parsed (the registry's version-checked cache). A
	 * token {@link #recognise recognised} here brings its agent's state from the
	 * statement that read its row ({@link AgentRegistry#activeAgentAt}); any other is
	 * checked by one read ({@link AgentRegistry#findActiveAgent}).
	 * @param token the token
	 * @return the agent, or empty when the token is not active or is not an agent's
	 */
	public Optional<Agent> activeAgent(PresentedToken token) {
		TokenRecord record = token.record();
		if (record.holder().agentId() == null || !record.liveAt(this.clock.instant())) {
			return Optional.empty();
		}
		if (!token.agentRead()) {
			return this.agents.findActiveAgent(record.holder().agentId());
		}
		// read with the row when the token was recognised: its parse by version
		return (token.agentActiveVersion() != null)
				? this.agents.activeAgentAt(record.holder().agentId(), token.agentActiveVersion()) : Optional.empty();
	}

	/**
	 * Whether the token named by a jti and its expiry is active now (its row exists, it
	 * is neither revoked nor expired, and its agent and every ancestor are active),
	 * reading the one partition of the token store its expiry lies in (V25). For decoders
	 * that have verified the token's signature, and so its {@code exp}.
	 * @param jti the token id
	 * @param expiresAt the token's {@code exp} (whole seconds, as the provider writes it)
	 * @return {@code true} when active
	 */
	public boolean isActive(Jti jti, Instant expiresAt) {
		Assert.notNull(jti, "jti cannot be null");
		Assert.notNull(expiresAt, "expiresAt cannot be null");
		return this.tokens.find(jti, expiresAt)
			.map((stored) -> isActive(
					new PresentedToken(stored.token(), Map.of(), stored.agentRead(), stored.agentActiveVersion())))
			.orElse(false);
	}

	/**
	 * Holds a token live until the caller's transaction ends, for deriving a token from
	 * it (issue 14, item 6): a concurrent revocation of it (or of an ancestor) waits for
	 * the transaction and then revokes what it derived; one that has already revoked it
	 * makes this call wait and then answer {@code false}.
	 * @param token the subject token
	 * @return {@code true} when it is neither revoked nor expired now
	 * @throws IllegalStateException when no transaction is active
	 */
	public boolean holdForDerivation(PresentedToken token) {
		Assert.notNull(token, "token cannot be null");
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"a token is held for the transaction that derives from it");
		TokenRecord record = token.record();
		return this.tokens.holdLive(record.jti(), record.lifetime().expiresAt(), this.clock.instant());
	}

	/**
	 * The live (neither revoked nor expired) tokens of an agent, newest first, at most
	 * 500.
	 * @param agentId the agent
	 * @return the tokens
	 */
	public List<TokenRecord> liveTokens(AgentId agentId) {
		Assert.notNull(agentId, "agentId cannot be null");
		return this.tokens.liveTokensOf(agentId, this.clock.instant(), MAX_LISTED);
	}

	/**
	 * The tokens of many agents at a glance (the console's inventory): one statement for
	 * them all, over two indexes, however many tokens each holds.
	 * @param agentIds the agents, at most 500
	 * @return each agent's activity; {@link TokenActivity#NONE} for an agent without a
	 * token
	 */
	public Map<AgentId, TokenActivity> activityOf(Collection<AgentId> agentIds) {
		Assert.notNull(agentIds, "agentIds cannot be null");
		Assert.isTrue(agentIds.size() <= MAX_LISTED, "at most " + MAX_LISTED + " agents at a time");
		if (agentIds.isEmpty()) {
			return Map.of();
		}
		Map<AgentId, TokenActivity> found = this.tokens.activityOf(agentIds, this.clock.instant());
		Map<AgentId, TokenActivity> activity = new LinkedHashMap<>();
		for (AgentId id : agentIds) {
			activity.put(id, found.getOrDefault(id, TokenActivity.NONE));
		}
		return activity;
	}

	/**
	 * The token store's row of a token, whatever its state.
	 * @param jti the token id
	 * @return the row, or empty when there is none (never issued, or purged)
	 */
	public Optional<TokenRecord> findToken(Jti jti) {
		Assert.notNull(jti, "jti cannot be null");
		return this.tokens.find(jti).map(IssuedTokens.StoredToken::token);
	}

	/**
	 * The live tokens of a task, newest first, at most 500.
	 * @param task the task
	 * @return the tokens
	 */
	public List<TokenRecord> liveTokensOfTask(String task) {
		Assert.hasText(task, "task cannot be empty");
		return this.tokens.liveTokensOfTask(task, this.clock.instant(), MAX_LISTED);
	}

	/**
	 * How many live tokens derive from a token, transitively (through their parent jti):
	 * what {@link #revokeByJti} revokes besides the token itself, for a preview.
	 * @param jti the token id
	 * @return the count of live derived tokens
	 */
	public long liveDerivedCount(Jti jti) {
		Assert.notNull(jti, "jti cannot be null");
		return this.tokens.countLiveDerived(jti, this.clock.instant());
	}

	/**
	 * Revokes a token and every token derived from it.
	 * @param token the token
	 * @param actor who revokes
	 * @param reason why, or {@code null}
	 * @return how many live tokens were revoked, descendants included
	 */
	public int revoke(PresentedToken token, String actor, String reason) {
		TokenRecord record = token.record();
		return revokeJti(record.jti(),
				(record.holder().agentId() != null) ? record.holder().agentId().toString() : AuditEntry.SYSTEM_CHAIN,
				actor, reason);
	}

	/**
	 * Revokes a token named by its jti, and every token derived from it.
	 * @param jti the token id
	 * @param actor who revokes
	 * @param reason why, or {@code null}
	 * @return how many live tokens were revoked, descendants included (0 for an unknown
	 * jti)
	 */
	public int revokeByJti(Jti jti, String actor, String reason) {
		Assert.notNull(jti, "jti cannot be null");
		Optional<IssuedTokens.StoredToken> stored = this.tokens.find(jti);
		String chain = stored.map(IssuedTokens.StoredToken::token)
			.map(TokenRecord::holder)
			.map(TokenRecord.Holder::agentId)
			.map(AgentId::toString)
			.orElse(AuditEntry.SYSTEM_CHAIN);
		return revokeJti(jti, chain, actor, reason);
	}

	/**
	 * Records a revocation by a jti no token of this provider can have: the admin API
	 * takes a jti of up to 128 characters (docs/api.md), a {@link Jti} has at most
	 * {@value Jti#MAX_LENGTH}. Nothing is revoked; the request is audited as one by an
	 * unknown jti is ({@code token.revoked} on {@code _system}, none revoked).
	 * @param jti the text given, longer than a jti
	 * @param actor who revokes
	 * @param reason why, or {@code null}
	 * @return 0
	 */
	public int revokeByUnknownJti(String jti, String actor, String reason) {
		Assert.hasText(jti, "jti cannot be empty");
		Assert.isTrue(Jti.parse(jti).isEmpty(), "a jti is revoked by revokeByJti");
		return this.transactions.execute((status) -> {
			this.events.publishEvent(TokensRevoked.of(AuditEntry.SYSTEM_CHAIN, actor, "jti", jti, reason, List.of()));
			return 0;
		});
	}

	private int revokeJti(Jti jti, String chain, String actor, String reason) {
		return this.transactions.execute((status) -> {
			List<String> revoked = this.tokens.revokeTree(jti, RegistryRevocations.why(actor, reason),
					this.clock.instant());
			this.events.publishEvent(TokensRevoked.of(chain, actor, "jti", jti.value(), reason, revoked));
			return revoked.size();
		});
	}

	/**
	 * Revokes every live token of an agent, and every token derived from them.
	 * @param agentId the agent
	 * @param actor who revokes
	 * @param reason why, or {@code null}
	 * @return how many live tokens were revoked
	 */
	public int revokeByAgent(AgentId agentId, String actor, String reason) {
		Assert.notNull(agentId, "agentId cannot be null");
		return this.transactions.execute((status) -> {
			// issue 14, item 6: tokens being issued to the agent now are committed first,
			// so that the revocation sees them
			this.agents.stopIssuance(agentId);
			return this.revocations.revokeAgentTree(agentId, List.of(), actor, reason);
		});
	}

	/**
	 * Revokes every live token of a task, and every token derived from them.
	 * @param task the task
	 * @param actor who revokes
	 * @param reason why, or {@code null}
	 * @return how many live tokens were revoked
	 */
	public int revokeByTask(String task, String actor, String reason) {
		Assert.hasText(task, "task cannot be empty");
		return this.transactions.execute((status) -> {
			List<String> revoked = this.tokens.revokeTask(task, RegistryRevocations.why(actor, reason),
					this.clock.instant());
			this.events.publishEvent(TokensRevoked.of(AuditEntry.SYSTEM_CHAIN, actor, "task", task, reason, revoked));
			return revoked.size();
		});
	}

	/**
	 * Deletes rows of tokens and client assertions that can no longer be used: the token
	 * store's days (its partitions, V25) whose whole range lies more than
	 * {@code RETAIN_EXPIRED} (1 h) in the past are dropped, so a token's row stays at
	 * least an hour and at most a day and an hour past its expiry; used client assertions
	 * are deleted row by row once expired.
	 */
	@Scheduled(fixedDelayString = "${idp.tokens.purge-interval:PT10M}", initialDelayString = "PT1M")
	public void purgeExpired() {
		Instant now = this.clock.instant();
		long tokens = 0;
		try {
			tokens = this.tokens.purgeExpiredBefore(now.minus(RETAIN_EXPIRED));
		}
		catch (DataAccessException ex) {
			// V25: detaching a day waits at most 5 s (lock_timeout) behind the statements
			// reading the store; the next purge tries again, the assertions' goes on
			logger.warn("The token store's expired days were not dropped this time: {}",
					ex.getMostSpecificCause().getMessage());
		}
		int assertions = this.assertions.purgeExpired();
		if (tokens + assertions > 0) {
			logger.debug("Purged {} expired tokens and {} expired client assertions", tokens, assertions);
		}
	}

}
