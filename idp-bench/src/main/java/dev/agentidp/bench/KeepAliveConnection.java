package dev.agentidp.bench;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection to a server on 127.0.0.1, used by one load thread at
 * a time: a blocking socket, each request written in one piece, each answer read by its
 * {@code Content-Length} or its chunked transfer coding (RFC 9112 §6.3, §7.1).
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

	private static final int MAX_LINE = 8192;

	private final InetSocketAddress address;

	private final byte[] hostHeader;

	private final byte[] buffer = new byte[16384];

	private final StringBuilder line = new StringBuilder(128);

	private int position;

	private int limit;

	private Socket socket;

	private InputStream in;

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
		StringBuilder head = new StringBuilder(256).append("POST ")
			.append(path)
			.append(" HTTP/1.1\r\nContent-Type: ")
			.append(contentType)
			.append("\r\nContent-Length: ")
			.append(body.length)
			.append("\r\n");
		if (authorization != null) {
			head.append("Authorization: ").append(authorization).append("\r\n");
		}
		byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		byte[] request = new byte[start.length + this.hostHeader.length + 2 + body.length];
		System.arraycopy(start, 0, request, 0, start.length);
		System.arraycopy(this.hostHeader, 0, request, start.length, this.hostHeader.length);
		int at = start.length + this.hostHeader.length;
		request[at] = '\r';
		request[at + 1] = '\n';
		System.arraycopy(body, 0, request, at + 2, body.length);
		return exchange(request);
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
				fill();
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
			ProviderClient.Answer answer = readAnswer();
			answered = true;
			return answer;
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
		this.in = opened.getInputStream();
		this.out = opened.getOutputStream();
		this.position = 0;
		this.limit = 0;
		this.reused = false;
	}

	private ProviderClient.Answer readAnswer() throws IOException {
		String status = readLine();
		// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
		if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
			throw new IOException("not an HTTP/1.x status line: " + abbreviate(status));
		}
		int code = parseStatus(status);
		long contentLength = -1;
		boolean chunked = false;
		boolean close = status.startsWith("HTTP/1.0");
		for (String header = readLine(); !header.isEmpty(); header = readLine()) {
			int colon = header.indexOf(':');
			if (colon <= 0) {
				throw new IOException("malformed header line: " + abbreviate(header));
			}
			String name = header.substring(0, colon).trim();
			String value = header.substring(colon + 1).trim();
			if (name.equalsIgnoreCase("Content-Length")) {
				contentLength = Long.parseLong(value);
			}
			else if (name.equalsIgnoreCase("Transfer-Encoding")) {
				chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
			}
			else if (name.equalsIgnoreCase("Connection")) {
				close = value.toLowerCase(Locale.ROOT).contains("close");
			}
		}
		byte[] body;
		if (code == 204 || code == 304) {
			body = new byte[0];
		}
		else if (chunked) {
			body = readChunked();
		}
		else if (contentLength >= 0) {
			body = readFully((int) contentLength);
		}
		else {
			body = readToEnd();
			close = true;
		}
		if (close) {
			close();
		}
		return new ProviderClient.Answer(code, new String(body, StandardCharsets.UTF_8));
	}

	private static int parseStatus(String status) throws IOException {
		try {
			return Integer.parseInt(status, 9, 12, 10);
		}
		catch (NumberFormatException ex) {
			throw new IOException("no status code in " + abbreviate(status));
		}
	}

	private byte[] readChunked() throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine();
			int extension = sizeLine.indexOf(';');
			String hex = ((extension >= 0) ? sizeLine.substring(0, extension) : sizeLine).trim();
			int size;
			try {
				size = Integer.parseInt(hex, 16);
			}
			catch (NumberFormatException ex) {
				throw new IOException("malformed chunk size: " + abbreviate(sizeLine));
			}
			if (size == 0) {
				// trailer section, then the empty line (RFC 9112 §7.1.2)
				while (!readLine().isEmpty()) {
					// trailers are not needed
				}
				return body.toByteArray();
			}
			body.write(readFully(size));
			if (!readLine().isEmpty()) {
				throw new IOException("a chunk was not followed by CRLF");
			}
		}
	}

	private byte[] readFully(int length) throws IOException {
		byte[] result = new byte[length];
		int done = 0;
		while (done < length) {
			if (this.position == this.limit) {
				fill();
			}
			int n = Math.min(length - done, this.limit - this.position);
			System.arraycopy(this.buffer, this.position, result, done, n);
			this.position += n;
			done += n;
		}
		return result;
	}

	private byte[] readToEnd() throws IOException {
		byte[] result = Arrays.copyOfRange(this.buffer, this.position, this.limit);
		this.position = this.limit;
		byte[] more = this.in.readAllBytes();
		byte[] all = Arrays.copyOf(result, result.length + more.length);
		System.arraycopy(more, 0, all, result.length, more.length);
		return all;
	}

	private String readLine() throws IOException {
		StringBuilder text = this.line;
		text.setLength(0);
		while (true) {
			if (this.position == this.limit) {
				fill();
			}
			char c = (char) (this.buffer[this.position++] & 0xff);
			if (c == '\n') {
				int length = text.length();
				if (length > 0 && text.charAt(length - 1) == '\r') {
					text.setLength(length - 1);
				}
				return text.toString();
			}
			if (text.length() >= MAX_LINE) {
				throw new IOException("a line of the answer is longer than " + MAX_LINE + " bytes");
			}
			text.append(c);
		}
	}

	private void fill() throws IOException {
		if (this.position < this.limit) {
			return;
		}
		int n = this.in.read(this.buffer, 0, this.buffer.length);
		if (n < 0) {
			throw new EOFException("the server closed the connection");
		}
		this.position = 0;
		this.limit = n;
	}

	private static String abbreviate(String text) {
		return (text.length() > 80) ? text.substring(0, 80) + "…" : text;
	}

	@Override
	public void close() {
		Socket open = this.socket;
		this.socket = null;
		this.in = null;
		this.out = null;
		this.position = 0;
		this.limit = 0;
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
