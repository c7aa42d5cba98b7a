package dev.agentidp.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded PostgreSQL's password (issue 14, item 16): 256 random bits generated on
 * first start into {@code ${idp.data-dir}/postgres-password}, mode 0600 like the
 * bootstrap secret, and the {@code pg_hba.conf} the provider writes at every start:
 * SCRAM-SHA-256 password connections over 127.0.0.1 only, no connection over a
 * Unix-domain socket, so another local user can no longer connect without it.
 */
final class EmbeddedDatabasePassword {

	/** The file in {@code idp.data-dir} that holds the password. */
	static final String FILE = "postgres-password";

	/** Only password connections, and only over the loopback address. */
	static final String PASSWORD_HBA = """
			# Written by the identity provider at every start (docs/operations.md): SCRAM password
			# connections over 127.0.0.1 only; none over a Unix-domain socket.
			host all all 127.0.0.1/32 scram-sha-256
			""";

	/**
	 * For the one start that sets the password on a data directory an older version
	 * created without one: trust, over 127.0.0.1 only, until the password is set a moment
	 * later (such a directory trusted every local connection until now).
	 */
	static final String MIGRATION_HBA = """
			# Written by the identity provider for the start that sets the password; replaced
			# by a SCRAM-only file as soon as the password is set.
			host all postgres 127.0.0.1/32 trust
			""";

	private EmbeddedDatabasePassword() {
	}

	/**
	 * The password file of a data directory.
	 * @param dataDir {@code idp.data-dir}
	 * @return the file
	 */
	static Path file(Path dataDir) {
		return dataDir.resolve(FILE).toAbsolutePath().normalize();
	}

	/**
	 * A new password: 256 random bits, base64url.
	 * @return the password
	 */
	static String generate() {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	/**
	 * Reads the password, generating it (mode 0600) when the file does not exist.
	 * @param file the password file
	 * @return the password
	 */
	static String readOrCreate(Path file) {
		try {
			if (!Files.exists(file)) {
				try {
					SecretFiles.writeOwnerOnly(file, generate());
				}
				catch (FileAlreadyExistsException ex) {
					// another process created it first: use theirs
				}
			}
			return read(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or create the embedded PostgreSQL's password file " + file, ex);
		}
	}

	/**
	 * Reads the password.
	 * @param file the password file
	 * @return the password
	 */
	static String read(Path file) {
		try {
			String password = Files.readString(file, StandardCharsets.UTF_8).trim();
			if (password.isEmpty() || !password.matches("[A-Za-z0-9_-]+")) {
				throw new StartupFailureException(
						"The embedded PostgreSQL's password file " + file
								+ " is empty or holds characters a generated password never has.",
						"Delete " + file + " and start again: the provider then sets a new password.");
			}
			return password;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the embedded PostgreSQL's password file " + file, ex);
		}
	}

	/**
	 * Writes {@code pg_hba.conf}.
	 * @param pgData the data directory
	 * @param content what to write
	 */
	static void writeHba(Path pgData, String content) {
		try {
			Files.writeString(pgData.resolve("pg_hba.conf"), content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + pgData.resolve("pg_hba.conf"), ex);
		}
	}

}
