package dev.agentidp.tokens;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request with one form parameter set to a value, as the client-authentication
 * converters that read a request Spring's converter would refuse hand it on
 * ({@link ClientAssertionWithoutClientIdConverter},
 * {@link SpiffeClientAssertionConverter}).
 */
final class ParameterOverride extends HttpServletRequestWrapper {

	private final Map<String, String[]> parameters;

	ParameterOverride(HttpServletRequest request, String name, String value) {
		super(request);
		Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
		parameters.put(name, new String[] { value });
		this.parameters = Collections.unmodifiableMap(parameters);
	}

	@Override
	public String getParameter(String name) {
		String[] values = this.parameters.get(name);
		return (values != null && values.length > 0) ? values[0] : null;
	}

	@Override
	public Map<String, String[]> getParameterMap() {
		return this.parameters;
	}

	@Override
	public String[] getParameterValues(String name) {
		return this.parameters.get(name);
	}

	@Override
	public java.util.Enumeration<String> getParameterNames() {
		return Collections.enumeration(this.parameters.keySet());
	}

}
