package dev.agentidp.console;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Throttles failed sign-ins (issue 18, "Bad input"), shared by every node through
 * {@code sign_in_failure} (V15): each failure counts against three keys, the account from
 * its source, the source, and the account; past the limit of one of them
 * ({@code idp.console.sign-in.*}) within the window, that key is locked for the lockout
 * and every sign-in it covers is refused without checking the password. The limit of an
 * account from one source is the lowest, so that guessing from one address stops soon;
 * the limit of an account alone is higher, so that one address cannot lock a person out
 * (agent owners' addresses are not secret). A success clears the account's keys. Database
 * time throughout, so every node agrees.
 */
@Component
class SignInThrottle {

	private static final String LOCKED = """
			SELECT count(*) FROM sign_in_failure WHERE key IN (:pair, :source, :account) AND locked_until > now()""";

	/** One upsert per key: a failure outside the window starts a new one. */
	private static final String FAILED = """
			INSERT INTO sign_in_failure AS f (key, failures, window_start, locked_until)
			VALUES (:key, 1, now(), CASE WHEN :limit <= 1 THEN now() + make_interval(secs => :lockout) END)
			ON CONFLICT (key) DO UPDATE
			   SET failures = CASE WHEN f.window_start < now() - make_interval(secs => :window) THEN 1
			                       ELSE f.failures + 1 END,
			       window_start = CASE WHEN f.window_start < now() - make_interval(secs => :window) THEN now()
			                           ELSE f.window_start END,
			       locked_until = CASE WHEN f.window_start >= now() - make_interval(secs => :window)
			                                AND f.failures + 1 >= :limit THEN now() + make_interval(secs => :lockout)
			                           ELSE f.locked_until END""";

	private static final String SUCCEEDED = "DELETE FROM sign_in_failure WHERE key IN (:pair, :account)";

	private static final String PURGE = """
			DELETE FROM sign_in_failure WHERE window_start < now() - interval '1 day'
			AND (locked_until IS NULL OR locked_until < now())""";

	private static final int PURGE_EVERY = 1000;

	private final JdbcClient jdbc;

	private final ConsoleProperties.SignIn settings;

	private final AtomicInteger failuresSincePurge = new AtomicInteger();

	SignInThrottle(JdbcClient jdbc, ConsoleProperties properties) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		this.jdbc = jdbc;
		this.settings = properties.signIn();
	}

	/**
	 * Whether sign-in to an account from a source is refused now.
	 * @param account the username or email address as typed (normalized by the caller)
	 * @param source the request's source
	 * @return {@code true} when one of its keys is locked
	 */
	boolean locked(String account, String source) {
		Long locked = this.jdbc.sql(LOCKED)
			.param("pair", pairKey(account, source))
			.param("source", sourceKey(source))
			.param("account", accountKey(account))
			.query(Long.class)
			.single();
		return locked > 0;
	}

	/**
	 * Counts a failed sign-in against its three keys.
	 * @param account the account as typed
	 * @param source the request's source
	 */
	void failed(String account, String source) {
		if (this.failuresSincePurge.incrementAndGet() >= PURGE_EVERY) {
			this.failuresSincePurge.set(0);
			this.jdbc.sql(PURGE).update();
		}
		for (Key key : List.of(new Key(pairKey(account, source), this.settings.maxFailures()),
				new Key(sourceKey(source), this.settings.maxFailuresPerSource()),
				new Key(accountKey(account), this.settings.maxFailuresPerAccount()))) {
			this.jdbc.sql(FAILED)
				.param("key", key.key())
				.param("limit", key.limit())
				.param("window", this.settings.window().toSeconds())
				.param("lockout", this.settings.lockout().toMillis() / 1000.0)
				.update();
		}
	}

	/**
	 * A successful sign-in: the account's counts start again (the source's does not).
	 * @param account the account as typed
	 * @param source the request's source
	 */
	void succeeded(String account, String source) {
		this.jdbc.sql(SUCCEEDED).param("pair", pairKey(account, source)).param("account", accountKey(account)).update();
	}

	private static String pairKey(String account, String source) {
		return "pair:" + source + ":" + account;
	}

	private static String sourceKey(String source) {
		return "source:" + source;
	}

	private static String accountKey(String account) {
		return "account:" + account;
	}

	private record Key(String key, int limit) {
	}

}
