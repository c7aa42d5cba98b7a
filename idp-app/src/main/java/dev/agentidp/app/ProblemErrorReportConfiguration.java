package dev.agentidp.app;

import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Puts {@link ProblemErrorReportValve} in place of Tomcat's HTML error report (Boot's own
 * is added by its customizer, which runs before this one).
 */
@Configuration(proxyBeanMethods = false)
class ProblemErrorReportConfiguration {

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReport() {
		return (factory) -> factory.addContextCustomizers((context) -> {
			if (context.getParent() == null) {
				return;
			}
			for (Valve valve : context.getParent().getPipeline().getValves()) {
				if (valve instanceof ErrorReportValve) {
					context.getParent().getPipeline().removeValve(valve);
				}
			}
			context.getParent().getPipeline().addValve(new ProblemErrorReportValve());
		});
	}

}
