package dev.agentidp.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import dev.agentidp.audit.PrintableText;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * The rules of the JSON text of an admin body, checked on the text before it binds to
 * anything (the body's request record or a merge patch): no member name or string holds a
 * lone surrogate ({@code "\ud800"} without its pair), which is no Unicode text (RFC 8259
 * §8.2), cannot be stored as UTF-8 (PostgreSQL refuses it, a 500 before this) nor hashed
 * into the audit trail; and no object names a member twice (RFC 8259 §4: the names
 * "SHOULD be unique"; which of two values would count is up to the parser). The answer is
 * 400 with the member's path, before any handler runs, so nothing is written. Text that
 * is no JSON at all is left to the converter, which answers it.
 */
@ControllerAdvice
class AdminJsonText extends RequestBodyAdviceAdapter {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	public boolean supports(MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		return JacksonJsonHttpMessageConverter.class.isAssignableFrom(converterType);
	}

	@Override
	public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
		// an admin body is at most 64 KiB (AdminRequestBodyLimit)
		byte[] body = inputMessage.getBody().readAllBytes();
		String problem = firstProblem(body);
		if (problem != null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, problem);
		}
		HttpHeaders headers = inputMessage.getHeaders();
		return new HttpInputMessage() {

			@Override
			public InputStream getBody() {
				return new ByteArrayInputStream(body);
			}

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

		};
	}

	/**
	 * The first rule the text breaks, read as a stream of tokens.
	 * @return the detail, or {@code null} when it breaks none or is no JSON
	 */
	static String firstProblem(byte[] body) {
		String problem = null;
		Deque<Level> levels = new ArrayDeque<>();
		try (JsonParser parser = JSON.createParser(body)) {
			for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
				Level level = levels.peek();
				switch (token) {
					case PROPERTY_NAME -> {
						String name = parser.currentName();
						String path = level.memberPath(name);
						if (problem == null && Texts.hasLoneSurrogate(name)) {
							problem = loneSurrogate("a member name");
						}
						else if (problem == null && !level.names.add(name)) {
							problem = PrintableText.of(path, 100)
									+ ": is given twice (member names must be unique, RFC 8259 §4)";
						}
						level.member = path;
					}
					case START_OBJECT, START_ARRAY ->
						levels.push(new Level(valuePath(level), token == JsonToken.START_ARRAY));
					case END_OBJECT, END_ARRAY -> {
						levels.pop();
						ended(levels.peek());
					}
					default -> {
						if (problem == null && token == JsonToken.VALUE_STRING
								&& Texts.hasLoneSurrogate(parser.getString())) {
							String path = valuePath(level);
							problem = loneSurrogate(path.isEmpty() ? "the body" : path);
						}
						ended(level);
					}
				}
			}
		}
		catch (JacksonException ex) {
			// no JSON (or nested beyond the parser's limits): the converter answers it
			return null;
		}
		return problem;
	}

	private static String valuePath(Level level) {
		if (level == null) {
			return "";
		}
		return level.array ? level.path + "[" + level.index + "]" : level.member;
	}

	private static void ended(Level level) {
		if (level != null && level.array) {
			level.index++;
		}
	}

	private static String loneSurrogate(String where) {
		return PrintableText.of(where, 100)
				+ ": contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not Unicode text"
				+ " (RFC 8259 §8.2)";
	}

	/** An object or array being read: its path, and its member names or next index. */
	private static final class Level {

		private final String path;

		private final boolean array;

		private final Set<String> names = new HashSet<>();

		private String member;

		private int index;

		Level(String path, boolean array) {
			this.path = path;
			this.array = array;
		}

		String memberPath(String name) {
			return this.path.isEmpty() ? name : this.path + "." + name;
		}

	}

}
