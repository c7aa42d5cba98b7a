package dev.agentidp.app;

import java.util.function.Predicate;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's {@link StrictHttpFirewall} with its own character rules for header
 * names and values and parameter names, written as loops over the code points instead of
 * the regular expressions it checks them with by default
 * ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, and for header values the same with a tab
 * allowed). The firewall checks every header the request's code reads, on every request:
 * those expressions took about 6 % of a policy decision's request-thread CPU samples
 * (JFR, issue 22). The rules are the same, code point by code point
 * ({@code FirewallCharactersTests} compares them with the expressions over every code
 * point); every other check of the firewall is its default (parameter values, for one,
 * are not checked by it).
 */
@Configuration(proxyBeanMethods = false)
class FirewallCharacters {

	/**
	 * Every code point assigned and none a control character (Unicode {@code Cc}), as
	 * {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}: header and parameter names.
	 */
	static final Predicate<String> ASSIGNED_NOT_CONTROL = (value) -> allowed(value, false);

	/**
	 * The same with a horizontal tab allowed, as
	 * {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}: header values (RFC 9110 §5.5).
	 */
	static final Predicate<String> HEADER_VALUE = (value) -> allowed(value, true);

	@Bean
	WebSecurityCustomizer providerFirewall() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowedHeaderNames(ASSIGNED_NOT_CONTROL);
		firewall.setAllowedHeaderValues(HEADER_VALUE);
		firewall.setAllowedParameterNames(ASSIGNED_NOT_CONTROL);
		return (web) -> web.httpFirewall(firewall);
	}

	private static boolean allowed(String value, boolean tab) {
		for (int i = 0; i < value.length();) {
			int c = value.codePointAt(i);
			// printable ASCII first: nearly every character of every request
			if (c < 0x20 || c >= 0x7f) {
				int type = Character.getType(c);
				if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && c == '\t'))) {
					return false;
				}
			}
			i += Character.charCount(c);
		}
		return true;
	}

}
