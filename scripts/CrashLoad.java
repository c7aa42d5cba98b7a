import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crash test's load generator and checker (JDK only, run by scripts/crash-test with
 * the single-file source launcher).
 *
 * setup BASE ADMIN_SECRET N DIR   registers N agents (generated keys) and a resource server
 * load BASE DIR SECONDS           one thread per agent issues tokens; every response is recorded
 * check BASE ADMIN_SECRET DIR     every 200 token is in the store (introspects active) and has its
 *                                 token.issued audit record; the trail verifies; a new token issues
 */
public final class CrashLoad {

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "setup" -> setup(args[1], args[2], Integer.parseInt(args[3]), Path.of(args[4]));
			case "load" -> load(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
			case "check" -> System.exit(check(args[1], args[2], Path.of(args[3])));
			default -> throw new IllegalArgumentException(args[0]);
		}
	}

	static void setup(String base, String adminSecret, int n, Path dir) throws Exception {
		String admin = adminToken(base, adminSecret);
		List<String> lines = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			String body = "{\"name\":\"crash-" + UUID.randomUUID() + "\",\"owner\":\"crash@example.com\","
					+ "\"capabilities\":[{\"scope\":\"load:run\",\"riskLevel\":\"low\"}],\"generateKey\":true}";
			HttpResponse<String> r = post(base + "/admin/v1/agents", "application/json", body, "Bearer " + admin);
			if (r.statusCode() != 201) {
				throw new IllegalStateException("register: " + r.statusCode() + " " + r.body());
			}
			String id = field(r.body(), "id");
			String privateJwk = r.body().substring(r.body().indexOf("\"privateJwk\""));
			lines.add(id + " " + field(privateJwk, "d") + " " + field(privateJwk, "kid"));
		}
		Files.write(dir.resolve("agents.txt"), lines);
		HttpResponse<String> rs = post(base + "/admin/v1/clients", "application/json",
				"{\"name\":\"crash-rs\",\"kind\":\"resource_server\",\"scopes\":[]}", "Bearer " + admin);
		Files.writeString(dir.resolve("rs.txt"), field(rs.body(), "clientId") + " " + field(rs.body(), "clientSecret"));
	}

	static void load(String base, Path dir, int seconds) throws Exception {
		List<String> agents = Files.readAllLines(dir.resolve("agents.txt"));
		Instant end = Instant.now().plusSeconds(seconds);
		AtomicBoolean stop = new AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < agents.size(); t++) {
			String[] agent = agents.get(t).split(" ");
			Path out = dir.resolve("responses-" + t + ".txt");
			Thread thread = new Thread(() -> {
				try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
					while (Instant.now().isBefore(end) && !stop.get()) {
						String line;
						try {
							HttpResponse<String> r = post(base + "/oauth2/token", "application/x-www-form-urlencoded",
									form(base, agent[0], agent[1], agent[2]), null);
							String token = (r.statusCode() == 200) ? field(r.body(), "access_token") : "-";
							line = agent[0] + " " + r.statusCode() + " " + token;
						}
						catch (IOException ex) {
							line = agent[0] + " ERR -";
							Thread.sleep(200);
						}
						// every response is on disk before the next request goes out
						writer.println(line);
						writer.flush();
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

	static int check(String base, String adminSecret, Path dir) throws Exception {
		String admin = adminToken(base, adminSecret);
		String[] rs = Files.readString(dir.resolve("rs.txt")).trim().split(" ");
		String basic = "Basic " + Base64.getEncoder()
			.encodeToString((enc(rs[0]) + ":" + enc(rs[1])).getBytes(StandardCharsets.UTF_8));
		int ok = 0;
		int errors = 0;
		int other = 0;
		int failures = 0;
		List<String> agents = Files.readAllLines(dir.resolve("agents.txt"));
		for (int t = 0; t < agents.size(); t++) {
			String agentId = agents.get(t).split(" ")[0];
			StringBuilder trail = new StringBuilder();
			String cursor = null;
			do {
				HttpResponse<String> page = get(base + "/admin/v1/audit?chain=" + agentId
						+ "&action=token.issued&limit=500" + ((cursor != null) ? "&cursor=" + enc(cursor) : ""), admin);
				trail.append(page.body());
				Matcher next = Pattern.compile("\"nextCursor\":\"([^\"]+)\"").matcher(page.body());
				cursor = next.find() ? next.group(1) : null;
			}
			while (cursor != null);
			for (String line : Files.readAllLines(dir.resolve("responses-" + t + ".txt"))) {
				String[] parts = line.split(" ");
				if (parts.length < 3) {
					continue; // the line being written when the load stopped
				}
				if (parts[1].equals("ERR")) {
					errors++;
					continue;
				}
				if (!parts[1].equals("200")) {
					other++;
					continue;
				}
				ok++;
				String token = parts[2];
				String jti = field(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8),
						"jti");
				HttpResponse<String> introspection = post(base + "/oauth2/introspect", "application/x-www-form-urlencoded",
						"token=" + enc(token), basic);
				if (!introspection.body().contains("\"active\":true")) {
					System.out.println("LOST: token " + jti + " is not in the store: " + introspection.body());
					failures++;
				}
				if (!trail.toString().contains("\"" + jti + "\"")) {
					System.out.println("LOST: no token.issued audit record for " + jti);
					failures++;
				}
			}
		}
		String verify = get(base + "/admin/v1/audit/verify", admin).body();
		if (!verify.contains("\"valid\":true")) {
			System.out.println("AUDIT TRAIL INVALID: " + verify);
			failures++;
		}
		String[] first = agents.get(0).split(" ");
		int again = post(base + "/oauth2/token", "application/x-www-form-urlencoded",
				form(base, first[0], first[1], first[2]), null).statusCode();
		if (again != 200) {
			System.out.println("NOT SERVING after restart: " + again);
			failures++;
		}
		System.out.println("responses: " + ok + " tokens (200), " + other + " other statuses, " + errors
				+ " connection errors (the kill); audit " + verify + "; new token after restart: " + again);
		System.out.println((failures == 0) ? "crash-test: PASS" : "crash-test: FAIL (" + failures + " problems)");
		return (failures == 0) ? 0 : 1;
	}

	static String form(String base, String agentId, String d, String kid) throws Exception {
		long now = Instant.now().getEpochSecond();
		String header = b64("{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}");
		String payload = b64("{\"iss\":\"" + agentId + "\",\"sub\":\"" + agentId + "\",\"aud\":\"" + base
				+ "/oauth2/token\",\"jti\":\"" + UUID.randomUUID() + "\",\"iat\":" + now + ",\"exp\":" + (now + 60) + "}");
		byte[] raw = Base64.getUrlDecoder().decode(d);
		PrivateKey key = KeyFactory.getInstance("Ed25519")
			.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, raw));
		Signature signature = Signature.getInstance("Ed25519");
		signature.initSign(key);
		signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
		String assertion = header + "." + payload + "."
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
		return "grant_type=client_credentials&scope=load:run&client_id=" + agentId
				+ "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
				+ "&client_assertion=" + assertion;
	}

	static String adminToken(String base, String secret) throws Exception {
		String basic = "Basic " + Base64.getEncoder()
			.encodeToString(("idp-admin:" + enc(secret)).getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> r = post(base + "/oauth2/token", "application/x-www-form-urlencoded",
				"grant_type=client_credentials&scope=" + enc("idp:admin idp:audit:read"), basic);
		return field(r.body(), "access_token");
	}

	static HttpResponse<String> post(String url, String type, String body, String authorization)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", type)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> get(String url, String bearer) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	static String field(String json, String name) {
		Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
		if (!m.find()) {
			throw new IllegalStateException("no " + name + " in " + json);
		}
		return m.group(1);
	}

	static String b64(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
