package dev.agentidp.app;

import org.apache.catalina.core.StandardHost;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Makes {@link ProblemErrorReportValve} the host's error report valve, so that what
 * Tomcat refuses before the application sees it is answered in the application's JSON
 * formats instead of Tomcat's HTML page.
 */
@Configuration(proxyBeanMethods = false)
class ProblemErrorReportConfiguration {

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReport() {
		// the host instantiates its error report valve by class name when it starts (an
		// instance of another class does not count): name ours
		return (factory) -> factory.addContextCustomizers((context) -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
			}
		});
	}

}
