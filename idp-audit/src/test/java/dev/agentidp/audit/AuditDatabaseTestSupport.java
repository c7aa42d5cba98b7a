package dev.agentidp.audit;

import javax.sql.DataSource;

import dev.agentidp.db.test.TestDatabase;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the audit module's {@code @SpringBootTest} classes share: the test database (a
 * fresh schema per application context) and the trail over it. Each subclass declares its
 * own {@code @SpringBootTest} with the pool and schedule it needs.
 */
abstract class AuditDatabaseTestSupport {

	@DynamicPropertySource
	static void db(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
	}

	@Autowired
	AuditTrail trail;

	@Autowired
	DataSource dataSource;

}
