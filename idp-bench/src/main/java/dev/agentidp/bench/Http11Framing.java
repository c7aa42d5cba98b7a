package dev.agentidp.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The HTTP/1.1 message framing of a {@link KeepAliveConnection} (RFC 9112): a request's
 * bytes, written in one piece, and an answer read from the connection's stream through
 * one buffer, by its {@code Content-Length} or its chunked transfer coding (§6.3, §7.1),
 * or to the end of the stream. One instance per connection, reused across its sockets.
 */
final class Http11Framing {

	private static final int MAX_LINE = 8192;

	private final byte[] buffer = new byte[16384];

	private final StringBuilder line = new StringBuilder(128);

	private int position;

	private int limit;

	private InputStream in;

	/**
	 * An answer and what it says of the connection.
	 *
	 * @param answer the status code and the body
	 * @param close whether the connection must be closed after it ({@code Connection:
	 * close}, HTTP/1.0, or a body delimited by the end of the stream)
	 */
	record Framed(ProviderClient.Answer answer, boolean close) {

	}

	/**
	 * A POST request's bytes.
	 * @param hostHeader the {@code Host} header line, CRLF included
	 * @param path the request target
	 * @param contentType the body's media type
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @param body the body
	 * @return the request
	 */
	static byte[] post(byte[] hostHeader, String path, String contentType, String authorization, byte[] body) {
		return post(hostHeader, path, contentType, authorization, null, body);
	}

	/**
	 * A POST request with a {@code DPoP} header (RFC 9449 §4.1) beside the others.
	 * @param hostHeader the {@code Host} header line
	 * @param path the request target
	 * @param contentType the body's media type
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @param dpop the {@code DPoP} header's value, or {@code null}
	 * @param body the body
	 * @return the request's bytes
	 */
	static byte[] post(byte[] hostHeader, String path, String contentType, String authorization, String dpop,
			byte[] body) {
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
		if (dpop != null) {
			head.append("DPoP: ").append(dpop).append("\r\n");
		}
		byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		byte[] request = new byte[start.length + hostHeader.length + 2 + body.length];
		System.arraycopy(start, 0, request, 0, start.length);
		System.arraycopy(hostHeader, 0, request, start.length, hostHeader.length);
		int at = start.length + hostHeader.length;
		request[at] = '\r';
		request[at + 1] = '\n';
		System.arraycopy(body, 0, request, at + 2, body.length);
		return request;
	}

	/**
	 * Reads from a new socket's stream from now on, with an empty buffer.
	 * @param in the stream, or {@code null} when the socket is closed
	 */
	void reset(InputStream in) {
		this.in = in;
		this.position = 0;
		this.limit = 0;
	}

	/**
	 * Waits for the answer's first bytes, unless some are buffered already.
	 * @throws EOFException when the server closed the connection
	 */
	void fill() throws IOException {
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

	/**
	 * Reads one answer.
	 * @return the answer, and whether the connection closes after it
	 * @throws IOException when the stream ends early or is not HTTP/1.x
	 */
	Framed readAnswer() throws IOException {
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
		return new Framed(new ProviderClient.Answer(code, new String(body, StandardCharsets.UTF_8)), close);
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

	private static String abbreviate(String text) {
		return (text.length() > 80) ? text.substring(0, 80) + "…" : text;
	}

}
