package dev.agentidp.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.Emails;
import dev.agentidp.registry.InvalidInputException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.util.Assert;

/**
 * The console's facade for people: creates accounts and checks their passwords (Argon2id,
 * Spring Security's {@link Argon2PasswordEncoder} with its 5.8 defaults). An account's
 * creation is audited as {@code person.created} on the {@code _system} chain, in the same
 * transaction.
 */
@Service
public class People {

	/** The action of an account's creation. */
	public static final String CREATED = "person.created";

	/** The action of an account's disabling. */
	public static final String DISABLED = "person.disabled";

	/** The shortest password accepted. */
	public static final int MIN_PASSWORD_LENGTH = 12;

	/** The longest password accepted (Argon2 hashes it whole; bounds the work). */
	public static final int MAX_PASSWORD_LENGTH = 128;

	private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final Pattern APPROVER_ROLE = Pattern.compile("approver:[a-z0-9._-]{1,64}");

	private static final int MAX_EMAIL_LENGTH = 250;

	private final PersonRows rows;

	private final AuditTrail trail;

	private final PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();

	/**
	 * A hash to check against when there is no such person, so that both take as long.
	 */
	private final String absentHash;

	People(PersonRows rows, AuditTrail trail) {
		Assert.notNull(rows, "rows cannot be null");
		Assert.notNull(trail, "trail cannot be null");
		this.rows = rows;
		this.trail = trail;
		this.absentHash = this.encoder.encode("no such person " + UUID.randomUUID());
	}

	/**
	 * Creates an account.
	 * @param username the username, {@code [A-Za-z0-9._-]{1,64}}
	 * @param email the email address (at most 250 characters), or {@code null}
	 * @param password the password, 12 to 128 characters
	 * @param roles the roles: {@code admin}, {@code owner}, {@code auditor},
	 * {@code approver:<role>} with {@code <role>} in {@code [a-z0-9._-]{1,64}}
	 * @param actor who creates it ({@code _bootstrap} at first start)
	 * @return the person
	 * @throws InvalidInputException naming the field that is not acceptable, or taken
	 */
	@Transactional
	public Person create(String username, String email, String password, Set<String> roles, String actor) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			throw new InvalidInputException("username", "must be 1 to 64 of A-Z a-z 0-9 . _ -");
		}
		String normalized = null;
		if (email != null) {
			if (email.length() > MAX_EMAIL_LENGTH || !Emails.isValid(email)) {
				throw new InvalidInputException("email",
						"must be an email address such as owner@example.com (at most 250 characters)");
			}
			normalized = Emails.normalize(email);
		}
		checkPassword(password);
		for (String role : roles) {
			if (!isRole(role)) {
				throw new InvalidInputException("roles",
						"each must be admin, owner, auditor or approver:<role> ([a-z0-9._-]{1,64})");
			}
		}
		if (this.rows.find(username).isPresent()) {
			throw new InvalidInputException("username", "is taken");
		}
		if (normalized != null && this.rows.find(normalized).isPresent()) {
			throw new InvalidInputException("email", "is taken");
		}
		Person person = new Person(UUID.randomUUID(), username, normalized, roles, this.rows.now(), false);
		try {
			this.rows.insert(person, this.encoder.encode(password));
		}
		catch (DuplicateKeyException ex) {
			// taken since the checks above by a concurrent creation; the transaction is
			// aborted now, so nothing more is read in it
			throw new InvalidInputException("username", "is taken");
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("username", username);
		details.put("roles", roles.stream().sorted().toList());
		this.trail.append(
				new AuditEntry(AuditEntry.SYSTEM_CHAIN, actor, CREATED, person.actor(), Decision.ALLOW, null, details));
		return person;
	}

	/**
	 * Finds a person by username or email address.
	 * @param usernameOrEmail either
	 * @return the person, or empty
	 */
	public Optional<Person> find(String usernameOrEmail) {
		if (usernameOrEmail == null || usernameOrEmail.isEmpty() || usernameOrEmail.length() > MAX_EMAIL_LENGTH) {
			return Optional.empty();
		}
		return this.rows.find(normalizeLogin(usernameOrEmail));
	}

	/**
	 * Why an agent's owner is not an active person (the ownerless report), or empty when
	 * it is one.
	 * @param owner the owner, an email address as the agent's document names it
	 * @return {@code no person has this email}, {@code the person is disabled}, or empty
	 */
	public Optional<String> whyNotActive(String owner) {
		Optional<Person> person = find(owner);
		if (person.isEmpty()) {
			return Optional.of("no person has this email");
		}
		return person.get().disabled() ? Optional.of("the person is disabled") : Optional.empty();
	}

	/**
	 * One page of people, by username.
	 * @param after the last username of the previous page, or {@code null} for the first
	 * @param limit 1 to 501
	 * @return the people
	 */
	@Transactional(readOnly = true)
	public List<Person> list(String after, int limit) {
		Assert.isTrue(limit >= 1 && limit <= 501, "limit must be between 1 and 501");
		return this.rows.page(after, limit);
	}

	/**
	 * Disables an account: from now on its sign-ins are refused (local, and federated
	 * ones with its email address). A person cannot disable their own account, so that
	 * the admin doing it keeps one. Audited as {@code person.disabled}.
	 * @param username the account
	 * @param reason why (at most 512 characters), or {@code null}
	 * @param actor who disables it ({@code user:<email>})
	 * @return the person, disabled
	 * @throws InvalidInputException when there is no such account or the reason is too
	 * long
	 * @throws IllegalStateException when it is disabled already, or is the actor's own
	 */
	@Transactional
	public Person disable(String username, String reason, String actor) {
		if (reason != null && reason.length() > 512) {
			throw new InvalidInputException("reason", "must be at most 512 characters");
		}
		Person person = (username != null && USERNAME.matcher(username).matches())
				? this.rows.find(username).orElse(null) : null;
		if (person == null) {
			throw new InvalidInputException("username", "no such person");
		}
		if (person.actor().equals(actor)) {
			throw new IllegalStateException("You cannot disable your own account.");
		}
		if (!this.rows.disable(username, this.rows.now())) {
			throw new IllegalStateException("The account " + username + " is disabled already.");
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("username", username);
		this.trail.append(new AuditEntry(AuditEntry.SYSTEM_CHAIN, actor, DISABLED, person.actor(), Decision.ALLOW,
				reason, details));
		return this.rows.find(username).orElseThrow();
	}

	/**
	 * Checks a password: the person when it matches and the account is not disabled.
	 * Takes as long when there is no such person (a hash is checked all the same).
	 * @param usernameOrEmail the username or email address
	 * @param password the password
	 * @return the person, or empty
	 */
	Optional<Person> authenticate(String usernameOrEmail, String password) {
		Optional<PersonRows.Credentials> found = (usernameOrEmail == null || usernameOrEmail.isEmpty()
				|| usernameOrEmail.length() > MAX_EMAIL_LENGTH) ? Optional.empty()
						: this.rows.credentials(normalizeLogin(usernameOrEmail));
		boolean matches = password != null && password.length() <= MAX_PASSWORD_LENGTH && this.encoder.matches(password,
				found.map(PersonRows.Credentials::passwordHash).orElse(this.absentHash));
		return found.filter((credentials) -> matches && !credentials.person().disabled())
			.map(PersonRows.Credentials::person);
	}

	/**
	 * Whether a text is a role.
	 * @param role the text
	 * @return {@code true} for {@code admin}, {@code owner}, {@code auditor} and
	 * {@code approver:<role>}
	 */
	public static boolean isRole(String role) {
		return Person.ADMIN.equals(role) || Person.OWNER.equals(role) || Person.AUDITOR.equals(role)
				|| (role != null && APPROVER_ROLE.matcher(role).matches());
	}

	private static void checkPassword(String password) {
		if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > MAX_PASSWORD_LENGTH) {
			throw new InvalidInputException("password",
					"must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters");
		}
	}

	/** Usernames never hold {@code @}; email addresses are matched in lower case. */
	private static String normalizeLogin(String usernameOrEmail) {
		return (usernameOrEmail.indexOf('@') >= 0) ? Emails.normalize(usernameOrEmail) : usernameOrEmail;
	}

}
