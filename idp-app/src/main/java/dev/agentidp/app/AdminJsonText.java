package dev.agentidp.app;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

import dev.agentidp.audit.PrintableText;
import tools.jackson.databind.JsonNode;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Refuses an admin JSON body that holds a lone surrogate ({@code "\ud800"} without its
 * pair) in any member name or string value: such text is not Unicode (RFC 8259 §8.2), it
 * cannot be stored as UTF-8 (PostgreSQL refuses it, a 500 before this) nor hashed into
 * the audit trail. The answer is 400 with the member's path, before any handler runs, so
 * nothing is written.
 */
@ControllerAdvice
class AdminJsonText extends RequestBodyAdviceAdapter {

	@Override
	public boolean supports(MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		return targetType instanceof Class<?> type && JsonNode.class.isAssignableFrom(type);
	}

	@Override
	public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		if (body instanceof JsonNode node) {
			check(node, "");
		}
		return body;
	}

	private static void check(JsonNode node, String path) {
		if (node.isString()) {
			refuseLoneSurrogate(node.asString(), path.isEmpty() ? "the body" : path);
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				check(node.get(i), path + "[" + i + "]");
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> member : node.properties()) {
				String memberPath = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
				refuseLoneSurrogate(member.getKey(), "a member name");
				check(member.getValue(), memberPath);
			}
		}
	}

	static void refuseLoneSurrogate(String text, String where) {
		if (Texts.hasLoneSurrogate(text)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, PrintableText.of(where, 100)
					+ ": contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not Unicode text"
					+ " (RFC 8259 §8.2)");
		}
	}

	@Override
	public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
		return inputMessage;
	}

}
