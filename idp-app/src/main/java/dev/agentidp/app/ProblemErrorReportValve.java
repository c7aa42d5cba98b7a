package dev.agentidp.app;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report for what it refuses before the application sees the request (a
 * malformed request line, an illegal header value, an encoded slash or NUL in the path):
 * the same JSON the application answers with (RFC 6749 §5.2 on {@code /oauth2/**}, RFC
 * 9457 elsewhere), never Tomcat's HTML page.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

	/**
	 * Created by the Tomcat host from the class name.
	 */
	public ProblemErrorReportValve() {
		setShowReport(false);
		setShowServerInfo(false);
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0) {
			return;
		}
		String path = null;
		try {
			path = request.getRequestURI();
		}
		catch (RuntimeException ex) {
			// an unreadable request line: answer as the admin API does
		}
		String body;
		String type;
		if (OAuthErrors.isOAuthPath(path)) {
			type = "application/json";
			body = new String(OAuthErrors.body((status >= 500) ? "server_error" : "invalid_request", null),
					StandardCharsets.UTF_8);
		}
		else {
			type = "application/problem+json";
			String title = org.springframework.http.HttpStatus.resolve(status) != null
					? org.springframework.http.HttpStatus.resolve(status).getReasonPhrase() : "Error";
			body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
					+ title + "\"}";
		}
		try {
			response.setContentType(type);
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client is gone or the response is already on its way
		}
	}

}
