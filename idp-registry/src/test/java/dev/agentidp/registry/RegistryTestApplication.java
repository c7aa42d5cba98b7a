package dev.agentidp.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.agentidp.audit.AuditableEvent;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.event.EventListener;

/**
 * The registry alone on a real PostgreSQL, with a listener that keeps every auditable
 * event published (the audit module itself is not part of these tests) and a clock the
 * tests move forward ({@link TestClock}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = AgentRegistry.class)
class RegistryTestApplication {

	@Bean
	TestClock clock() {
		return new TestClock();
	}

	@Bean
	PublishedEvents publishedEvents() {
		return new PublishedEvents();
	}

	/**
	 * Every auditable event published, in order.
	 */
	static final class PublishedEvents {

		private final List<AuditableEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(AuditableEvent event) {
			this.events.add(event);
		}

		List<AuditableEvent> all() {
			return List.copyOf(this.events);
		}

		<T> List<T> of(Class<T> type) {
			return this.events.stream().filter(type::isInstance).map(type::cast).toList();
		}

		void clear() {
			this.events.clear();
		}

	}

}
