package dev.agentidp.app.signals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import com.sun.net.httpserver.HttpServer;

/**
 * A receiver of the provider's outbound calls on 127.0.0.1 (the JDK's HTTP server): it
 * keeps every request it gets and answers the status its supplier gives.
 */
final class Receiver implements AutoCloseable {

	private final HttpServer server;

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private Receiver(HttpServer server) {
		this.server = server;
	}

	static Receiver start(IntSupplier status) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			Receiver receiver = new Receiver(server);
			server.createContext("/", (exchange) -> {
				byte[] body = exchange.getRequestBody().readAllBytes();
				receiver.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
						Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
				exchange.sendResponseHeaders(status.getAsInt(), -1);
				exchange.close();
			});
			server.start();
			return receiver;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	Received next(Duration within) throws InterruptedException {
		return this.received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
	}

	int pending() {
		return this.received.size();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	record Received(String method, String path, Map<String, List<String>> headers, String body) {

		String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.map((entry) -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

	}

}
