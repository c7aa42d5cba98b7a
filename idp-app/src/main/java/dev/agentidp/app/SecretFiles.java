package dev.agentidp.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes secrets to files readable by their owner only (mode 0600, set at creation so the
 * secret is never readable by others, not even for a moment).
 */
final class SecretFiles {

	private SecretFiles() {
	}

	/**
	 * Creates a new file holding a secret; fails if the file exists.
	 * @param file the file
	 * @param secret the secret
	 * @throws IOException on failure, {@link java.nio.file.FileAlreadyExistsException}
	 * when it exists
	 */
	static void writeOwnerOnly(Path file, String secret) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		else {
			Files.createFile(file);
		}
		Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
	}

}
