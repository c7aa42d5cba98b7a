package dev.agentidp.app;

import java.net.URI;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Gives every problem document written by Spring MVC (our exception handlers and Spring's
 * own, for a wrong method, media type or path variable) the same members as the ones the
 * security chains write ({@link ProblemResponses}): {@code type}, {@code title},
 * {@code status}, {@code detail} and {@code instance} (RFC 9457 §3.1). Spring leaves out
 * {@code type} when it is {@code about:blank}'s default and {@code instance} when no
 * handler set it.
 */
@ControllerAdvice
class ProblemDocumentMembers implements ResponseBodyAdvice<Object> {

	static final URI ABOUT_BLANK = URI.create("about:blank");

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selectedContentType,
			Class<? extends HttpMessageConverter<?>> selectedConverterType, ServerHttpRequest request,
			ServerHttpResponse response) {
		if (body instanceof ProblemDetail problem) {
			if (problem.getType() == null) {
				problem.setType(ABOUT_BLANK);
			}
			if (problem.getInstance() == null) {
				problem.setInstance(URI.create(request.getURI().getRawPath()));
			}
		}
		return body;
	}

}
