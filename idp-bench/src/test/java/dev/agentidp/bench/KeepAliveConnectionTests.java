package dev.agentidp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link KeepAliveConnection} against a scripted HTTP/1.1 server on a real socket: each
 * test queues the server's answers and checks what the client read and which connection
 * each request came on.
 */
class KeepAliveConnectionTests {

	private ScriptedServer server;

	private KeepAliveConnection connection;

	@BeforeEach
	void start() throws IOException {
		this.server = new ScriptedServer();
		this.connection = new KeepAliveConnection("127.0.0.1", this.server.port());
	}

	@AfterEach
	void stop() throws IOException {
		this.connection.close();
		this.server.close();
	}

	@Test
	void readsContentLengthAnswersAndReusesTheConnection() throws IOException {
		this.server
			.answer("HTTP/1.1 200 \r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"active\":true}");
		this.server.answer("HTTP/1.1 401 Unauthorized\r\nContent-Length: 26\r\n\r\n{\"error\":\"invalid_client\"}");
		ProviderClient.Answer first = post("token=a");
		ProviderClient.Answer second = post("token=bb");
		assertThat(first).extracting(ProviderClient.Answer::statusCode, ProviderClient.Answer::body)
			.containsExactly(200, "{\"active\":true}");
		assertThat(second).extracting(ProviderClient.Answer::statusCode, ProviderClient.Answer::body)
			.containsExactly(401, "{\"error\":\"invalid_client\"}");
		assertThat(this.server.requests()).extracting(Request::connection).containsExactly(1, 1);
		assertThat(this.server.requests().get(1).head()).startsWith("POST /oauth2/introspect HTTP/1.1\r\n")
			.contains("\r\nHost: 127.0.0.1:" + this.server.port() + "\r\n")
			.contains("\r\nContent-Type: application/x-www-form-urlencoded\r\n")
			.contains("\r\nContent-Length: 8\r\n")
			.contains("\r\nAuthorization: Basic cnM6c2VjcmV0\r\n");
		assertThat(this.server.requests().get(1).body()).isEqualTo("token=bb");
	}

	@Test
	void readsChunkedAnswersWithExtensionsAndTrailers() throws IOException {
		this.server.answer("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n" + "7\r\n{\"acces\r\n"
				+ "a;ext=1\r\ns_token\":\"\r\n" + "3\r\nxyz\r\n" + "2\r\n\"}\r\n" + "0\r\nX-Trailer: t\r\n\r\n");
		this.server.answer("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
		assertThat(post("a=b").body()).isEqualTo("{\"access_token\":\"xyz\"}");
		assertThat(post("a=b").body()).isEqualTo("ok");
		assertThat(this.server.requests()).extracting(Request::connection).containsExactly(1, 1);
	}

	@Test
	void decodesTheBodyAsUtf8() throws IOException {
		byte[] text = "{\"detail\":\"Agent ü\"}".getBytes(StandardCharsets.UTF_8);
		this.server.answer("HTTP/1.1 400 \r\nContent-Length: " + text.length + "\r\n\r\n"
				+ new String(text, StandardCharsets.ISO_8859_1));
		assertThat(post("a=b").body()).isEqualTo("{\"detail\":\"Agent ü\"}");
	}

	@Test
	void opensANewConnectionAfterConnectionClose() throws IOException {
		this.server.answer("HTTP/1.1 200 \r\nConnection: close\r\nContent-Length: 1\r\n\r\n1");
		this.server.answer("HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\n2");
		assertThat(post("a=b").body()).isEqualTo("1");
		assertThat(post("a=b").body()).isEqualTo("2");
		assertThat(this.server.requests()).extracting(Request::connection).containsExactly(1, 2);
	}

	@Test
	void sendsARequestOnceMoreWhenTheServerClosedTheIdleConnection() throws IOException {
		this.server.answerThenHangUp("HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\n1");
		this.server.answer("HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\n2");
		assertThat(post("a=b").body()).isEqualTo("1");
		this.server.awaitHangUps(1);
		assertThat(post("a=c").body()).isEqualTo("2");
		assertThat(this.server.requests()).extracting(Request::connection, Request::body)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(1, "a=b"),
					org.assertj.core.groups.Tuple.tuple(2, "a=c"));
	}

	@Test
	void answersWithoutBodyOrLengthAreRead() throws IOException {
		this.server.answer("HTTP/1.1 204 \r\n\r\n");
		this.server.answerThenHangUp("HTTP/1.1 200 \r\n\r\nuntil the end");
		this.server.answer("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n");
		assertThat(post("a=b")).extracting(ProviderClient.Answer::statusCode, ProviderClient.Answer::body)
			.containsExactly(204, "");
		assertThat(post("a=b").body()).isEqualTo("until the end");
		assertThat(post("a=b").body()).isEmpty();
		assertThat(this.server.requests()).extracting(Request::connection).containsExactly(1, 1, 2);
	}

	@Test
	void refusesWhatIsNotHttp() {
		this.server.answer("SSH-2.0-OpenSSH_9.2\r\n\r\n");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> post("a=b"))
			.withMessageContaining("not an HTTP/1.x status line");
	}

	@Test
	void aFirstRequestOnANewConnectionIsNeverSentTwice() {
		this.server.hangUpWithoutAnswer();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> post("a=b"));
		assertThat(this.server.requests()).hasSize(1);
	}

	private ProviderClient.Answer post(String form) throws IOException {
		return this.connection.post("/oauth2/introspect", "application/x-www-form-urlencoded", "Basic cnM6c2VjcmV0",
				form.getBytes(StandardCharsets.US_ASCII));
	}

	/** A request as the server read it. */
	private record Request(int connection, String head, String body) {
	}

	/**
	 * A one-connection-at-a-time HTTP/1.1 server: it reads each request (head and
	 * {@code Content-Length} body) and writes the next queued answer, then hangs up if
	 * that answer says so.
	 */
	private static final class ScriptedServer implements AutoCloseable {

		private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final BlockingQueue<String[]> answers = new LinkedBlockingQueue<>();

		private final List<Request> requests = new CopyOnWriteArrayList<>();

		private final BlockingQueue<Integer> hangUps = new LinkedBlockingQueue<>();

		private final Thread thread;

		ScriptedServer() throws IOException {
			this.thread = Thread.ofPlatform().daemon().start(this::serve);
		}

		int port() {
			return this.socket.getLocalPort();
		}

		void answer(String answer) {
			this.answers.add(new String[] { answer, "keep" });
		}

		void answerThenHangUp(String answer) {
			this.answers.add(new String[] { answer, "hang-up" });
		}

		void hangUpWithoutAnswer() {
			this.answers.add(new String[] { "", "hang-up" });
		}

		void awaitHangUps(int count) {
			try {
				for (int i = 0; i < count; i++) {
					assertThat(this.hangUps.poll(5, TimeUnit.SECONDS)).isNotNull();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		List<Request> requests() {
			return new ArrayList<>(this.requests);
		}

		private void serve() {
			int connections = 0;
			while (!this.socket.isClosed()) {
				try (Socket accepted = this.socket.accept()) {
					int connection = ++connections;
					InputStream in = accepted.getInputStream();
					while (true) {
						String head = readHead(in);
						if (head == null) {
							break;
						}
						int length = contentLength(head);
						String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
						this.requests.add(new Request(connection, head, body));
						String[] answer = this.answers.poll(5, TimeUnit.SECONDS);
						if (answer == null) {
							break;
						}
						accepted.getOutputStream().write(answer[0].getBytes(StandardCharsets.ISO_8859_1));
						accepted.getOutputStream().flush();
						if (answer[1].equals("hang-up")) {
							break;
						}
					}
					this.hangUps.add(connection);
				}
				catch (IOException | InterruptedException ex) {
					// the test closed the server
				}
			}
		}

		private static String readHead(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int b;
			while ((b = in.read()) >= 0) {
				head.write(b);
				String text = head.toString(StandardCharsets.ISO_8859_1);
				if (text.endsWith("\r\n\r\n")) {
					return text;
				}
			}
			return null;
		}

		private static int contentLength(String head) {
			for (String line : head.split("\r\n")) {
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					return Integer.parseInt(line.substring(15).trim());
				}
			}
			return 0;
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
