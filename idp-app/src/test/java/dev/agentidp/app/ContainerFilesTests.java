package dev.agentidp.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The container build (Dockerfile, .dockerignore, docker/healthcheck,
 * docker-compose.yml), checked without a Docker engine: the Dockerfile's instructions are
 * parsed, the .dockerignore rules are applied with Docker's matching rules to the paths
 * the build needs and to those that must never reach the builder, and the image's
 * entrypoint and health check commands are run with {@code sh} and {@code bash} against
 * stand-ins (a {@code java} that prints its arguments, a stub HTTP server).
 */
class ContainerFilesTests {

	private static final Path ROOT = repositoryRoot();

	private static final List<List<Instruction>> STAGES = stages(read("Dockerfile"));

	private static final DockerIgnore IGNORE = new DockerIgnore(read(".dockerignore"));

	@Test
	void buildsTheJarFromSourceInAJdkStageWithTheWrapper() {
		assertThat(STAGES).as("stages (FROM lines)").hasSize(2);
		List<Instruction> build = STAGES.get(0);
		assertThat(build.get(0).arguments()).matches("(?i)eclipse-temurin:(21|25)-jdk\\S* as build");
		assertThat(all(build, "RUN"))
			.anySatisfy((run) -> assertThat(run).contains("./mvnw").contains(" package").contains("-pl idp-app -am"));
		assertThat(STAGES.get(1)).filteredOn((instruction) -> instruction.keyword().equals("COPY"))
			.extracting(Instruction::arguments)
			.contains("--from=build /src/idp-app/target/idp-app.jar /opt/idp/idp-app.jar");
	}

	@Test
	void everyReactorModuleIsInTheBuildAndEveryModuleOfTheAppWhole() {
		List<String> sources = copySources(STAGES.get(0));
		List<String> modules = matches("<module>([^<]+)</module>", read("pom.xml"));
		assertThat(modules).isNotEmpty();
		for (String module : modules) {
			assertThat(sources).as("COPY of module %s or its pom", module)
				.containsAnyOf(module, module + "/", module + "/pom.xml");
			assertThat(IGNORE.excludes(module + "/pom.xml")).as(module + "/pom.xml excluded").isFalse();
		}
		List<String> appModules = new ArrayList<>(
				matches("<dependency>\\s*<groupId>dev\\.agentidp</groupId>\\s*<artifactId>([^<]+)</artifactId>",
						read("idp-app/pom.xml")));
		appModules.add("idp-app");
		for (String module : appModules) {
			assertThat(sources).as("COPY of the whole module %s", module).containsAnyOf(module, module + "/");
		}
	}

	@Test
	void noFixedHeapAnywhere() {
		for (List<Instruction> stage : STAGES) {
			assertThat(stage).extracting(Instruction::arguments).noneMatch((arguments) -> arguments.contains("-Xmx"));
		}
		assertThat(read("docker-compose.yml")).doesNotContain("-Xmx");
	}

	@Test
	void runsUnprivilegedWithJavaOptsAHealthCheckAndPort8080() {
		List<Instruction> runtime = STAGES.get(1);
		assertThat(runtime.get(0).arguments()).matches("eclipse-temurin:(21|25)-jre\\S*");
		List<String> users = all(runtime, "USER");
		assertThat(users).as("USER").isNotEmpty();
		String user = users.get(users.size() - 1).split(":")[0];
		assertThat(user).isNotIn("root", "0").isEqualTo("10001");
		assertThat(environment(runtime)).containsEntry("JAVA_OPTS", "-XX:MaxRAMPercentage=75");
		assertThat(all(runtime, "ENTRYPOINT")).singleElement().asString().contains("$JAVA_OPTS");
		assertThat(all(runtime, "HEALTHCHECK")).singleElement().asString().contains(" CMD ");
		assertThat(read(healthCheckScript())).contains("/actuator/health/readiness");
		assertThat(all(runtime, "EXPOSE")).containsExactly("8080");
	}

	@Test
	void entrypointExecsJavaWithJavaOptsSplitAndTheArgumentsIntact(@TempDir Path bin) throws Exception {
		assumeThat(Files.isExecutable(Path.of("/bin/sh"))).as("/bin/sh").isTrue();
		Path java = bin.resolve("java");
		Files.writeString(java, "#!/bin/sh\necho \"pid $$\"\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
		List<String> command = new ArrayList<>(jsonArray(single(STAGES.get(1), "ENTRYPOINT")));
		command.addAll(jsonArray(single(STAGES.get(1), "CMD")));
		command.addAll(List.of("--server.port=9090", "two words"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
		builder.environment().put("JAVA_OPTS", environment(STAGES.get(1)).get("JAVA_OPTS") + " -Didp.test=1");
		Process process = builder.start();
		assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
		List<String> output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
			.toList();
		assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
		assertThat(output.get(0)).as("java runs in the entrypoint's own process (exec)")
			.isEqualTo("pid " + process.pid());
		assertThat(output.subList(1, output.size())).containsExactly("-XX:MaxRAMPercentage=75", "-Didp.test=1", "-jar",
				"/opt/idp/idp-app.jar", "--server.port=9090", "two words");
	}

	@Test
	void healthCheckPassesOnlyWhileReadinessAnswers200() throws Exception {
		assumeThat(Files.isExecutable(Path.of("/bin/bash"))).as("/bin/bash").isTrue();
		AtomicInteger status = new AtomicInteger(200);
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/actuator/health/readiness", (exchange) -> {
			byte[] body = ((status.get() == 200) ? "{\"status\":\"UP\"}" : "{\"status\":\"OUT_OF_SERVICE\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(status.get(), body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		int port = server.getAddress().getPort();
		try {
			assertThat(runHealthCheck(port)).as("200").isZero();
			status.set(503);
			assertThat(runHealthCheck(port)).as("503").isNotZero();
		}
		finally {
			server.stop(0);
		}
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		assertThat(runHealthCheck(closed)).as("nothing listening").isNotZero();
	}

	@Test
	void dockerignoreKeepsDataSecretsAndBuildOutputOut() {
		assertThat(Stream
			.of("data", "data/key-encryption-key", "data/bootstrap-admin-secret", "data/bootstrap-admin-password",
					"data/postgres/PG_VERSION", "idp-app/data/postgres/PG_VERSION", "target/classes/x",
					"idp-app/target/idp-app.jar", "db/target/classes/db/migration/V1__clients_signing_keys_tokens.sql",
					".git", ".git/HEAD", ".idea/workspace.xml", "idp-app/idp-app.iml", ".vscode/settings.json",
					"idp-app/provider.log", "audit.jsonl", ".env", "idp-app/.env", "tls.pem",
					"idp-app/src/main/resources/tls.key", "idp-tokens/.cifuzz-corpus/x", "node_modules/x/index.js",
					"idp-bench/src/main/java/X.java", "BENCHMARKS.md", "docs/operations.md", "bench/run",
					"scripts/crash-test", "docker-compose.yml")
			.filter((path) -> !IGNORE.excludes(path))).as("in the build context, and must not be").isEmpty();
	}

	@Test
	void dockerignoreLetsInEverythingTheDockerfileCopies() throws IOException {
		List<String> missing = new ArrayList<>();
		for (List<Instruction> stage : STAGES) {
			for (String source : copySources(stage)) {
				Path path = ROOT.resolve(source);
				assertThat(path).as("COPY source " + source).exists();
				List<Path> files = new ArrayList<>();
				if (Files.isDirectory(path) && Files.isDirectory(path.resolve("src"))) {
					files.add(path.resolve("pom.xml"));
					try (Stream<Path> walk = Files.walk(path.resolve("src"))) {
						walk.filter(Files::isRegularFile).forEach(files::add);
					}
				}
				else if (Files.isDirectory(path)) {
					try (Stream<Path> walk = Files.walk(path)) {
						walk.filter(Files::isRegularFile).forEach(files::add);
					}
				}
				else {
					files.add(path);
				}
				files.stream()
					.map((file) -> ROOT.relativize(file).toString().replace('\\', '/'))
					.filter(IGNORE::excludes)
					.forEach(missing::add);
			}
		}
		assertThat(missing).as("copied by the Dockerfile but left out by .dockerignore").isEmpty();
		assertThat(Stream
			.of("mvnw", "pom.xml", ".mvn/wrapper/maven-wrapper.properties", "idp-bench/pom.xml",
					"db/src/main/resources/db/migration/V1__clients_signing_keys_tokens.sql", "docker/healthcheck")
			.filter(IGNORE::excludes)).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void composeBuildsFromSourceAndExposesOnlyThePlainHttpPortOnLoopback() {
		Map<String, Object> compose = new Yaml().load(read("docker-compose.yml"));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Map<String, Object> idp = services.get("idp");
		assertThat(idp).containsEntry("build", ".");
		assertThat(idp).as("the image's HEALTHCHECK is the one").doesNotContainKey("healthcheck");
		assertThat((List<String>) idp.get("ports")).allMatch((port) -> port.startsWith("127.0.0.1:"));
		assertThat(services.get("postgres")).as("the database is never published").doesNotContainKey("ports");
		Map<String, Object> environment = (Map<String, Object>) idp.get("environment");
		environment.forEach((name, value) -> {
			if (name.matches(".*(PASSWORD|KEY|SECRET).*")) {
				assertThat(value).as(name).asString().matches("\\$\\{\\w+:\\?.*\\}");
			}
		});
	}

	private static int runHealthCheck(int port) throws Exception {
		List<String> command = new ArrayList<>(healthCheckCommand());
		String script = command.get(command.size() - 1);
		command.set(command.size() - 1, ROOT.resolve(contextPathOf(script)).toString());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("MANAGEMENT_SERVER_PORT");
		builder.environment().put("SERVER_PORT", Integer.toString(port));
		Process process = builder.start();
		assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
		process.getInputStream().readAllBytes();
		return process.exitValue();
	}

	/**
	 * The HEALTHCHECK's exec-form command, e.g. {@code [bash, /opt/idp/healthcheck]}.
	 */
	private static List<String> healthCheckCommand() {
		String healthCheck = single(STAGES.get(1), "HEALTHCHECK");
		return jsonArray(healthCheck.substring(healthCheck.indexOf(" CMD ") + 5));
	}

	private static String healthCheckScript() {
		List<String> command = healthCheckCommand();
		return contextPathOf(command.get(command.size() - 1));
	}

	/**
	 * The build-context path that the runtime stage copies to the given image path.
	 */
	private static String contextPathOf(String imagePath) {
		for (String copy : all(STAGES.get(1), "COPY")) {
			String[] words = copy.split("\\s+");
			if (!words[0].startsWith("--from") && words[words.length - 1].equals(imagePath)) {
				return words[0];
			}
		}
		throw new AssertionError("no COPY to " + imagePath + " in the runtime stage");
	}

	/**
	 * The build-context sources of a stage's COPY instructions (not those {@code --from}
	 * another stage).
	 */
	private static List<String> copySources(List<Instruction> stage) {
		List<String> sources = new ArrayList<>();
		for (String copy : all(stage, "COPY")) {
			List<String> words = new ArrayList<>(Arrays.asList(copy.split("\\s+")));
			if (words.stream().anyMatch((word) -> word.startsWith("--from"))) {
				continue;
			}
			words.removeIf((word) -> word.startsWith("--"));
			sources.addAll(words.subList(0, words.size() - 1));
		}
		return sources;
	}

	private static Map<String, String> environment(List<Instruction> stage) {
		Map<String, String> environment = new LinkedHashMap<>();
		for (String env : all(stage, "ENV")) {
			Matcher matcher = Pattern.compile("(\\w+)=(\"([^\"]*)\"|\\S*)").matcher(env);
			while (matcher.find()) {
				environment.put(matcher.group(1), (matcher.group(3) != null) ? matcher.group(3) : matcher.group(2));
			}
		}
		return environment;
	}

	private static List<String> all(List<Instruction> stage, String keyword) {
		return stage.stream()
			.filter((instruction) -> instruction.keyword().equals(keyword))
			.map(Instruction::arguments)
			.toList();
	}

	private static String single(List<Instruction> stage, String keyword) {
		List<String> found = all(stage, keyword);
		assertThat(found).as(keyword).hasSize(1);
		return found.get(0);
	}

	/**
	 * A JSON array of strings, as in the exec form of ENTRYPOINT, CMD and HEALTHCHECK.
	 */
	private static List<String> jsonArray(String json) {
		assertThat(json.strip()).as("exec form").startsWith("[").endsWith("]");
		List<String> strings = new ArrayList<>();
		Matcher matcher = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
		while (matcher.find()) {
			strings.add(matcher.group(1).replaceAll("\\\\(.)", "$1"));
		}
		return strings;
	}

	private static List<String> matches(String regex, String text) {
		List<String> found = new ArrayList<>();
		Matcher matcher = Pattern.compile(regex).matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1).strip());
		}
		return found;
	}

	/**
	 * The Dockerfile's instructions per stage: comment lines dropped, continuation lines
	 * joined, as Docker reads them.
	 */
	private static List<List<Instruction>> stages(String dockerfile) {
		List<List<Instruction>> stages = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		for (String line : dockerfile.lines().toList()) {
			if (line.strip().startsWith("#")) {
				continue;
			}
			if (line.endsWith("\\")) {
				current.append(line, 0, line.length() - 1).append(' ');
				continue;
			}
			current.append(line);
			String text = current.toString().strip().replaceAll("\\s+", " ");
			current.setLength(0);
			if (text.isEmpty()) {
				continue;
			}
			int space = text.indexOf(' ');
			Instruction instruction = new Instruction(text.substring(0, space).toUpperCase(),
					text.substring(space + 1));
			if (instruction.keyword().equals("FROM")) {
				stages.add(new ArrayList<>());
			}
			assertThat(stages).as("an instruction before the first FROM: " + text).isNotEmpty();
			stages.get(stages.size() - 1).add(instruction);
		}
		return stages;
	}

	private static String read(String path) {
		try {
			return Files.readString(ROOT.resolve(path));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path repositoryRoot() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("Dockerfile")) && Files.isRegularFile(dir.resolve("mvnw"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no Dockerfile beside mvnw above " + Path.of("").toAbsolutePath());
	}

	record Instruction(String keyword, String arguments) {

	}

	/**
	 * The rules of a .dockerignore file, matched as Docker matches them (moby's
	 * patternmatcher, which BuildKit uses too): patterns relative to the context root,
	 * {@code *} and {@code ?} within one path segment, {@code **} across any number of
	 * them, a path excluded when it or one of its parent directories matches, {@code !}
	 * letting a path back in, and the last matching rule deciding.
	 */
	static final class DockerIgnore {

		private final List<Rule> rules = new ArrayList<>();

		DockerIgnore(String text) {
			for (String line : text.lines().toList()) {
				String pattern = line.strip();
				if (pattern.isEmpty() || pattern.startsWith("#")) {
					continue;
				}
				boolean exception = pattern.startsWith("!");
				if (exception) {
					pattern = pattern.substring(1).strip();
				}
				pattern = pattern.replaceAll("^/+", "").replaceAll("/+$", "");
				this.rules.add(new Rule(Pattern.compile(regex(pattern)), exception));
			}
		}

		boolean excludes(String path) {
			List<String> parents = new ArrayList<>();
			String[] segments = path.split("/");
			for (int i = 1; i < segments.length; i++) {
				parents.add(String.join("/", Arrays.copyOfRange(segments, 0, i)));
			}
			boolean excluded = false;
			for (Rule rule : this.rules) {
				boolean match = rule.pattern().matcher(path).matches()
						|| parents.stream().anyMatch((parent) -> rule.pattern().matcher(parent).matches());
				if (match) {
					excluded = !rule.exception();
				}
			}
			return excluded;
		}

		private static String regex(String pattern) {
			StringBuilder regex = new StringBuilder("^");
			for (int i = 0; i < pattern.length(); i++) {
				char c = pattern.charAt(i);
				if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
					i++;
					if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
						i++;
					}
					regex.append((i + 1 < pattern.length()) ? "(.*/)?" : ".*");
				}
				else if (c == '*') {
					regex.append("[^/]*");
				}
				else if (c == '?') {
					regex.append("[^/]");
				}
				else if (c == '\\' && i + 1 < pattern.length()) {
					regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
				}
				else {
					regex.append(Pattern.quote(String.valueOf(c)));
				}
			}
			return regex.append('$').toString();
		}

		record Rule(Pattern pattern, boolean exception) {

		}

	}

}
