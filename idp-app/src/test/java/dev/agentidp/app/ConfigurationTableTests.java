package dev.agentidp.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table against the settings the code reads. The {@code idp.*}
 * properties are those of the {@code @ConfigurationProperties} records, as
 * {@code spring-boot-configuration-processor} writes them into each module's
 * {@code META-INF/spring-configuration-metadata.json} at compile time: the table lists
 * exactly those, with the same defaults where it shows a literal one. Every other way of
 * reading a setting in the main sources ({@code @Value}, a {@code ${...}} placeholder,
 * {@code Environment.getProperty}) names a property of those records or is one of the
 * exceptions listed here with its reason.
 */
class ConfigurationTableTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/**
	 * The settings read without a properties record, and why. Each is documented in the
	 * README table (ours) or by Spring Boot (theirs).
	 */
	private static final Map<String, String> READ_WITHOUT_RECORD = Map.of("IDP_BOOTSTRAP_ADMIN_SECRET",
			"an environment variable by that name (README, docs/operations.md), read before the context is up"
					+ " by the embedded-database check",
			"IDP_BOOTSTRAP_ADMIN_PASSWORD",
			"an environment variable by that name (README, docs/console.md), like IDP_BOOTSTRAP_ADMIN_SECRET",
			"spring.datasource.url", "Spring Boot's own: decides whether the embedded database starts", "server.port",
			"Spring Boot's own: the issuer of a checkpoint made outside a request", "local.server.port",
			"Spring Boot's own: the issuer of a checkpoint made outside a request");

	/**
	 * Every {@code @Value} in the main sources, as {@code file|property}: only in
	 * {@code idp-app} (issue 15, item 7; {@code ModuleBoundariesTests} refuses one in a
	 * domain module).
	 */
	private static final Set<String> VALUE_ANNOTATIONS = Set.of("BootstrapAdminClient.java|IDP_BOOTSTRAP_ADMIN_SECRET",
			"BootstrapAdminPerson.java|IDP_BOOTSTRAP_ADMIN_PASSWORD");

	private static final Pattern PLACEHOLDER = Pattern.compile("\"\\$\\{([^:}]+)(?::([^}]*))?}\"");

	private static final Pattern GET_PROPERTY = Pattern.compile("getProperty\\(\"([^\"]+)\"");

	private static final Pattern VALUE = Pattern.compile("@Value\\(\"\\$\\{([^:}]+)");

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	@Test
	void theReadmeListsExactlyThePropertiesOfTheRecords() throws IOException {
		assertThat(readmeTable().keySet()).containsExactlyInAnyOrderElementsOf(recordProperties().keySet());
	}

	@Test
	void theReadmeShowsTheDefaultsOfTheRecords() throws IOException {
		Map<String, String> records = recordProperties();
		readmeTable().forEach((property, shown) -> {
			Matcher literal = Pattern.compile("`([^`]+)`").matcher(shown.strip());
			if (literal.matches() && records.get(property) != null) {
				assertThat(sameValue(literal.group(1), records.get(property)))
					.as("README default of %s: %s, the record's: %s", property, shown, records.get(property))
					.isTrue();
			}
		});
	}

	@Test
	void everyOtherReadOfASettingNamesARecordPropertyOrAListedException() throws IOException {
		Map<String, String> records = recordProperties();
		List<String> unexplained = new ArrayList<>();
		Set<String> values = new TreeSet<>();
		for (Path source : mainSources()) {
			String file = source.getFileName().toString();
			for (String line : Files.readAllLines(source)) {
				String code = line.strip();
				if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
					continue;
				}
				Matcher value = VALUE.matcher(code);
				while (value.find()) {
					values.add(file + "|" + value.group(1));
				}
				Matcher placeholder = PLACEHOLDER.matcher(code);
				while (placeholder.find()) {
					String property = placeholder.group(1);
					String fallback = placeholder.group(2);
					if (records.containsKey(property)) {
						if (fallback != null && !fallback.isEmpty() && records.get(property) != null) {
							assertThat(sameValue(fallback, records.get(property)))
								.as("%s: the fallback of ${%s} is %s, the record's default %s", file, property,
										fallback, records.get(property))
								.isTrue();
						}
					}
					else if (!READ_WITHOUT_RECORD.containsKey(property)) {
						unexplained.add(file + ": ${" + property + "}");
					}
				}
				Matcher get = GET_PROPERTY.matcher(code);
				while (get.find()) {
					if (!records.containsKey(get.group(1)) && !READ_WITHOUT_RECORD.containsKey(get.group(1))) {
						unexplained.add(file + ": getProperty(" + get.group(1) + ")");
					}
				}
			}
		}
		assertThat(unexplained).as("settings read without a properties record or a listed reason").isEmpty();
		assertThat(values).as("@Value in the main sources").containsExactlyInAnyOrderElementsOf(VALUE_ANNOTATIONS);
	}

	/**
	 * The resource-server kit's {@code agentidp.resource-server.*} properties are not the
	 * provider's: its document (docs/resource-servers.md) lists exactly those of its
	 * record.
	 */
	@Test
	void theResourceServerDocumentListsExactlyTheKitsProperties() throws IOException {
		Map<String, String> kit = metadataProperties("agentidp.resource-server.");
		assertThat(kit).containsKeys("agentidp.resource-server.issuer", "agentidp.resource-server.resource");
		String document = Files.readString(ROOT.resolve("docs/resource-servers.md"));
		Set<String> listed = new java.util.TreeSet<>();
		for (String row : document.split("\n")) {
			if (row.startsWith("| `agentidp.")) {
				Matcher names = CODE.matcher(row.split("\\|")[1]);
				while (names.find()) {
					listed.add(names.group(1));
				}
			}
		}
		assertThat(listed).containsExactlyInAnyOrderElementsOf(kit.keySet());
	}

	/** The {@code idp.*} properties of every module's records, with their defaults. */
	private static Map<String, String> recordProperties() throws IOException {
		Map<String, String> properties = metadataProperties("idp.");
		// the records of audit, registry, tokens and the application
		assertThat(properties.keySet()).anyMatch((name) -> name.startsWith("idp.audit."))
			.anyMatch((name) -> name.startsWith("idp.registry."))
			.anyMatch((name) -> name.startsWith("idp.tokens."))
			.contains("idp.issuer");
		return properties;
	}

	/** The properties with a prefix in every metadata file, with their defaults. */
	private static Map<String, String> metadataProperties(String prefix) throws IOException {
		Map<String, String> properties = new TreeMap<>();
		Resource[] metadata = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:META-INF/spring-configuration-metadata.json");
		JsonMapper json = JsonMapper.builder().build();
		for (Resource resource : metadata) {
			try (InputStream in = resource.getInputStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith(prefix)) {
						JsonNode fallback = property.path("defaultValue");
						properties.put(name, fallback.isMissingNode() ? null : fallback.asString());
					}
				}
			}
		}
		return properties;
	}

	/** The README's configuration table: each {@code idp.*} property and its default. */
	private static Map<String, String> readmeTable() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"));
		int start = readme.indexOf("\n## Configuration\n");
		assertThat(start).isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		Map<String, String> table = new TreeMap<>();
		for (String row : readme.substring(start, end).split("\n")) {
			if (!row.startsWith("| `")) {
				continue;
			}
			String[] cells = row.split("\\|");
			Matcher names = CODE.matcher(cells[1]);
			while (names.find()) {
				if (names.group(1).startsWith("idp.")) {
					assertThat(table.put(names.group(1), cells[2])).as("listed twice: %s", names.group(1)).isNull();
				}
			}
		}
		return table;
	}

	private static List<Path> mainSources() throws IOException {
		List<Path> sources = new ArrayList<>();
		try (Stream<Path> modules = Files.list(ROOT)) {
			// the benchmark is a separate program with options of its own
			for (Path module : modules.filter((path) -> !path.endsWith("idp-bench")).toList()) {
				Path main = module.resolve("src/main/java");
				if (Files.isDirectory(main)) {
					try (Stream<Path> files = Files.walk(main)) {
						files.filter((path) -> path.toString().endsWith(".java")).forEach(sources::add);
					}
				}
			}
		}
		assertThat(sources).hasSizeGreaterThan(100);
		return sources;
	}

	private static boolean sameValue(String a, String b) {
		if (Objects.equals(a, b)) {
			return true;
		}
		try {
			return DurationStyle.detectAndParse(a).equals(DurationStyle.detectAndParse(b));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
