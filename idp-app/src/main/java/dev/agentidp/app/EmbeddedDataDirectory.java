package dev.agentidp.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded PostgreSQL's data directory ready to start on, before zonky does:
 * <ul>
 * <li>another running provider holds it (zonky's {@code epg-lock}): refused with a
 * sentence that says so, instead of zonky's bare "could not lock";</li>
 * <li>a PostgreSQL server still runs on it although no provider holds the lock: the
 * provider that started it died without stopping it ({@code SIGKILL}, an out-of-memory
 * kill). PostgreSQL would refuse to start ("lock file postmaster.pid already exists") and
 * the provider would never come back; the orphan is stopped first (a smart shutdown,
 * which keeps every committed transaction), then started again as usual.</li>
 * </ul>
 * Written by hand: zonky offers neither.
 */
final class EmbeddedDataDirectory {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedDataDirectory.class);

	/** zonky's lock file in the data directory, held by the JVM that runs the server. */
	static final String ZONKY_LOCK = "epg-lock";

	private static final Duration STOP_WAIT = Duration.ofSeconds(30);

	private EmbeddedDataDirectory() {
	}

	/**
	 * Prepares the data directory, creating it when missing.
	 * @param pgData the data directory
	 * @throws StartupFailureException when another provider uses it, or it cannot be used
	 */
	static void prepare(Path pgData) {
		try {
			Files.createDirectories(pgData);
			if (!Files.exists(pgData.resolve("postgresql.conf"))) {
				// not initialized yet: no server can run on it, and initdb needs it empty
				// (zonky writes its lock file only after initdb)
				return;
			}
			try (FileChannel channel = FileChannel.open(pgData.resolve(ZONKY_LOCK), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE)) {
				FileLock lock = tryLock(channel);
				if (lock == null) {
					throw inUse(pgData);
				}
				try {
					orphanedServer(pgData).ifPresent((server) -> stop(server, pgData));
				}
				finally {
					lock.release();
				}
			}
		}
		catch (IOException ex) {
			throw new StartupFailureException(
					"The embedded PostgreSQL's data directory " + pgData + " cannot be used: " + ex.getMessage() + ".",
					"Make idp.data-dir point at a directory this user can write, or set spring.datasource.url to use"
							+ " an external PostgreSQL.",
					ex);
		}
	}

	private static FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			// this JVM already holds it: another provider in the same process
			return null;
		}
	}

	static StartupFailureException inUse(Path pgData) {
		return new StartupFailureException(
				"The embedded PostgreSQL's data directory " + pgData + " is in use by another running provider.",
				"Stop the other provider first, or give this one its own directory with --idp.data-dir=..., or set"
						+ " spring.datasource.url so that both use one external PostgreSQL.");
	}

	/**
	 * The server that {@code postmaster.pid} names, when it is alive and runs on this
	 * data directory (a PID reused by another program is left alone).
	 */
	private static Optional<ProcessHandle> orphanedServer(Path pgData) throws IOException {
		Path pidFile = pgData.resolve("postmaster.pid");
		if (!Files.isRegularFile(pidFile)) {
			return Optional.empty();
		}
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.isEmpty() || !lines.get(0).trim().matches("[0-9]{1,10}")) {
			return Optional.empty();
		}
		return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info()
				.commandLine()
				.filter((command) -> command.contains("postgres") && command.contains(pgData.toString()))
				.isPresent());
	}

	private static void stop(ProcessHandle server, Path pgData) {
		logger.warn(
				"A PostgreSQL server (pid {}) still runs on {} although no provider holds it: the provider that"
						+ " started it stopped without stopping it. Stopping it before starting again.",
				server.pid(), pgData);
		// SIGTERM: PostgreSQL's smart shutdown; its clients died with their JVM, so it
		// ends at once, after a checkpoint. SIGKILL only if it does not: crash recovery
		// then replays the WAL, which loses nothing committed either.
		server.destroy();
		try {
			if (!server.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS).isAlive()) {
				return;
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		if (server.isAlive()) {
			server.destroyForcibly();
			server.onExit().join();
		}
	}

}
