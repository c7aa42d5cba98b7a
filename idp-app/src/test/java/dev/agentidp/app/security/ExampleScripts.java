package dev.agentidp.app.security;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What the tests of {@code docs/examples} share: where the examples are, the interpreters
 * they need (a test is skipped when one is missing), running one as its own process, and
 * reading the copy of a file that a page of {@code docs/} shows.
 */
final class ExampleScripts {

	static final Path REPOSITORY = repositoryRoot();

	static final Path EXAMPLES = REPOSITORY.resolve("docs/examples");

	private ExampleScripts() {
	}

	/**
	 * A {@code python3} with PyJWT and cryptography ({@code .ci/run} installs Debian's
	 * packages into {@code /usr/bin/python3}), or the calling test is skipped.
	 */
	static String assumePythonWithPyJwt(Path workDir) {
		String python = List.of("python3", "/usr/bin/python3")
			.stream()
			.filter((candidate) -> run(workDir, List.of(candidate, "-c", "import jwt, cryptography")).exitCode() == 0)
			.findFirst()
			.orElse(null);
		assumeThat(python).as("a python3 with PyJWT and cryptography (apt install python3-jwt python3-cryptography)")
			.isNotNull();
		return python;
	}

	/**
	 * {@code node} on the PATH and jose in {@code docs/examples/node_modules}, or the
	 * calling test is skipped.
	 */
	static void assumeNodeWithJose(Path workDir) {
		assumeThat(run(workDir, List.of("node", "--version")).exitCode()).as("node on the PATH").isZero();
		assumeThat(EXAMPLES.resolve("node_modules/jose"))
			.as("jose in docs/examples/node_modules (npm install --prefix docs/examples jose)")
			.isDirectory();
	}

	/**
	 * The text of the first fenced code block after {@code marker}, with its last
	 * newline.
	 */
	static String fencedBlockAfter(String markdown, String marker) {
		int at = markdown.indexOf(marker);
		assertThat(at).as("docs/tokens.md mentions %s", marker).isNotNegative();
		int fence = markdown.indexOf("\n```", at);
		assertThat(fence).as("a fenced block after %s", marker).isNotNegative();
		int start = markdown.indexOf('\n', fence + 1) + 1;
		int end = markdown.indexOf("\n```\n", start - 1);
		assertThat(end).as("the end of the fenced block after %s", marker).isGreaterThanOrEqualTo(start - 1);
		return markdown.substring(start, end + 1);
	}

	/**
	 * Runs {@code command} in {@code workDir} with no input and waits for it (at most 120
	 * s); a command that cannot be started at all (not installed) ends with exit code -1.
	 */
	static Result run(Path workDir, List<String> command) {
		try {
			Path stdout = Files.createTempFile(workDir, "stdout", ".txt");
			Path stderr = Files.createTempFile(workDir, "stderr", ".txt");
			Process process = new ProcessBuilder(command).directory(workDir.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile())
				.start();
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " did not end within 120 s");
			}
			return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
		}
		catch (IOException ex) {
			// not installed: the command cannot be started at all
			return new Result(-1, "", ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Path repositoryRoot() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("docs/tokens.md")) && Files.isDirectory(dir.resolve("docs/examples"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no docs/tokens.md above " + Path.of("").toAbsolutePath());
	}

	/** How a process ended and what it printed. */
	record Result(int exitCode, String stdout, String stderr) {

	}

}
