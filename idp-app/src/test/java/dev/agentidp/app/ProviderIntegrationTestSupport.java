package dev.agentidp.app;

import java.nio.file.Path;

import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.ClientRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole provider on a random port over a real PostgreSQL, for the full-context
 * journeys. Subclasses share one application context (and one fresh schema), so each test
 * registers the agents it needs under unique names and counts rows relative to its own
 * start.
 */
@SpringBootTest(classes = IdentityProviderApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ProviderIntegrationTestSupport {

	static final String ADMIN_SECRET = "provider-tests-admin-secret-0123456789-abcdefghij";

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void providerProperties(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("idp.data-dir", () -> dataDir.toString());
		registry.add("IDP_BOOTSTRAP_ADMIN_SECRET", () -> ADMIN_SECRET);
		// the journeys read refusals as individual records; their aggregation under a
		// flood is RefusalFloodTests'
		registry.add("idp.audit.refusals.individual-per-source", () -> "1000000");
		registry.add("idp.audit.refusals.max-individual", () -> "1000000");
	}

	@LocalServerPort
	int port;

	@Autowired
	AgentRegistry agents;

	@Autowired
	ClientRegistry clients;

	@Autowired
	JdbcClient jdbc;

	TestHttp http;

	@BeforeEach
	void connect() {
		this.http = new TestHttp(this.port);
	}

	TestHttp http() {
		return this.http;
	}

}
