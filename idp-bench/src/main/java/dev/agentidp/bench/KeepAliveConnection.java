package dev.agentidp.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection to a server on 127.0.0.1, used by one load thread at
 * a time: a blocking socket, each request written in one piece, each answer read by its
 * {@code Content-Length} or its chunked transfer coding (RFC 9112 §6.3, §7.1; the framing
 * is {@link Http11Framing}'s). This class keeps the socket: it opens one when there is
 * none, reuses it while the server keeps it open, and sends a request once more on a new
 * socket only when a reused one was found closed before any byte of the answer.
 * <p>
 * Written by hand, for the load threads only: the JDK {@code HttpClient} hands every
 * request to its selector thread and back, and cost the load generator about 0.25 ms of
 * CPU per request on this 2-core machine, as much as the provider spent on a whole
 * introspection, CPU the provider and PostgreSQL then lacked (BENCHMARKS.md). No library
 * on Maven Central that the benchmark already uses does blocking HTTP/1.1 with less. It
 * speaks only what the benchmark needs: no TLS, no redirects, no {@code Expect}, no
 * compression; a {@code Connection: close} answer closes the socket and the next request
 * opens a new one, as any client does.
 */
final class KeepAliveConnection implements Closeable {

	private final InetSocketAddress address;

	private final byte[] hostHeader;

	private final Http11Framing framing = new Http11Framing();

	private Socket socket;

	private OutputStream out;

	/**
	 * Whether the open socket has already carried a request (so may have been closed by
	 * the server).
	 */
	private boolean reused;

	KeepAliveConnection(String host, int port) {
		this.address = new InetSocketAddress(host, port);
		this.hostHeader = ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Sends a POST and reads its answer.
	 * @param path the request target, e.g. {@code /oauth2/token}
	 * @param contentType the body's media type
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @param body the body
	 * @return the answer
	 * @throws IOException when the server cannot be reached or answers something that is
	 * not HTTP/1.1
	 */
	ProviderClient.Answer post(String path, String contentType, String authorization, byte[] body) throws IOException {
		return exchange(Http11Framing.post(this.hostHeader, path, contentType, authorization, body));
	}

	/**
	 * Sends a POST with a {@code DPoP} header and reads its answer.
	 * @param path the request target
	 * @param contentType the body's media type
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @param dpop the {@code DPoP} header's value (a proof)
	 * @param body the body
	 * @return the answer
	 * @throws IOException as {@link #post(String, String, String, byte[])}
	 */
	ProviderClient.Answer post(String path, String contentType, String authorization, String dpop, byte[] body)
			throws IOException {
		return exchange(Http11Framing.post(this.hostHeader, path, contentType, authorization, dpop, body));
	}

	private ProviderClient.Answer exchange(byte[] request) throws IOException {
		if (this.socket != null && this.reused) {
			try {
				return send(request);
			}
			catch (StaleConnectionException ex) {
				// the server closed the idle connection before reading this request: it
				// did nothing with it, so it is sent once more on a new connection
				close();
			}
		}
		return send(request);
	}

	private ProviderClient.Answer send(byte[] request) throws IOException {
		if (this.socket == null) {
			open();
		}
		boolean answered = false;
		try {
			try {
				this.out.write(request);
				this.out.flush();
				this.framing.fill();
			}
			catch (SocketTimeoutException ex) {
				// the server may be working on it: never sent twice
				throw ex;
			}
			catch (IOException ex) {
				if (this.reused) {
					throw new StaleConnectionException(ex);
				}
				throw ex;
			}
			this.reused = true;
			Http11Framing.Framed framed = this.framing.readAnswer();
			if (framed.close()) {
				close();
			}
			answered = true;
			return framed.answer();
		}
		finally {
			if (!answered) {
				close();
			}
		}
	}

	private void open() throws IOException {
		Socket opened = new Socket();
		opened.setTcpNoDelay(true);
		opened.connect(this.address, 5000);
		opened.setSoTimeout(60_000);
		this.socket = opened;
		this.framing.reset(opened.getInputStream());
		this.out = opened.getOutputStream();
		this.reused = false;
	}

	@Override
	public void close() {
		Socket open = this.socket;
		this.socket = null;
		this.framing.reset(null);
		this.out = null;
		this.reused = false;
		if (open != null) {
			try {
				open.close();
			}
			catch (IOException ex) {
				// closing a socket we no longer use: nothing to do
			}
		}
	}

	/** A reused connection failed before any byte of the answer arrived. */
	private static final class StaleConnectionException extends IOException {

		StaleConnectionException(IOException cause) {
			super(cause);
		}

	}

}
