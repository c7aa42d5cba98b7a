package dev.agentidp.registry;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Clients that are not agents, on a real PostgreSQL.
 */
@SpringBootTest(classes = RegistryTestApplication.class)
class ClientRegistryTests {

	@DynamicPropertySource
	static void db(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
	}

	@Autowired
	ClientRegistry clients;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	RegistryTestApplication.PublishedEvents events;

	@BeforeEach
	void clearEvents() {
		this.events.clear();
	}

	private long count() {
		return this.jdbc.sql("SELECT count(*) FROM oauth_client").query(Long.class).single();
	}

	@Test
	void resourceServerGetsASecretStoredAsItsSha256() {
		ClientRegistration registration = this.clients.register("crm api", ClientKind.RESOURCE_SERVER, null, null,
				"admin");
		String secret = registration.clientSecret();
		assertThat(secret).hasSize(43);
		Client stored = this.clients.findClient(registration.client().clientId()).orElseThrow();
		assertThat(stored.secretHash()).isEqualTo(ClientSecrets.hash(secret)).isNotEqualTo(secret);
		assertThat(ClientSecrets.matches(secret, stored.secretHash())).isTrue();
		assertThat(ClientSecrets.matches(secret + "x", stored.secretHash())).isFalse();
		assertThat(stored.kind()).isEqualTo(ClientKind.RESOURCE_SERVER);
		assertThat(stored.clientId()).startsWith("rs-").hasSize(35);
		assertThat(stored.scopes()).isEmpty();
		assertThat(this.events.of(ClientRegistered.class)).singleElement().satisfies((event) -> {
			AuditEntry entry = event.auditEntry();
			assertThat(entry.chain()).isEqualTo(AuditEntry.SYSTEM_CHAIN);
			assertThat(entry.action()).isEqualTo("client.registered");
			assertThat(entry.actor()).isEqualTo("admin");
			assertThat(entry.target()).isEqualTo(stored.clientId());
			assertThat(entry.details().toString()).doesNotContain(secret);
		});
	}

	@Test
	void adminClientWithAPublicKeyGetsNoSecret() {
		String jwk = TestAgents.ed25519PublicJwk();
		ClientRegistration registration = this.clients.register("ops", ClientKind.ADMIN, Set.of("idp:audit:read"), jwk,
				"admin");
		assertThat(registration.clientSecret()).isNull();
		assertThat(registration.client().clientId()).startsWith("admin-");
		Client stored = this.clients.findClient(registration.client().clientId()).orElseThrow();
		assertThat(stored.secretHash()).isNull();
		assertThat(stored.jwk()).contains("\"kid\"");
		assertThat(stored.scopes()).containsExactly("idp:audit:read");
	}

	@Test
	void invalidClientsAreRejectedAndNothingIsStored() {
		// the body's shape (required members, kind, scopes an array, unknown members) is
		// the admin API's: ClientRegistrationRequestTests in idp-app
		long before = count();
		String privateJwk = com.nimbusds.jose.util.JSONObjectUtils
			.toJSONString(PublicKeys.generateEd25519().privateJwk());
		record Invalid(String name, ClientKind kind, Set<String> scopes, String jwk, String message) {
		}
		for (Invalid invalid : List.of(
				new Invalid("x", ClientKind.ADMIN, Set.of("crm:read"), null, "scopes: an admin client"),
				new Invalid("x", ClientKind.RESOURCE_SERVER, Set.of("idp:admin"), null,
						"scopes: a resource server holds no scopes"),
				new Invalid("x", ClientKind.ADMIN, Set.of("a b"), null, "scopes: must be 1-128 characters"),
				new Invalid("x", ClientKind.ADMIN, Set.of(), privateJwk, "jwk: must be a public key"),
				new Invalid("x", ClientKind.ADMIN, Set.of(), "not json", "jwk: must be a JSON object"),
				new Invalid("", ClientKind.ADMIN, Set.of(), null, "name: must be 1-128 characters"),
				new Invalid(null, ClientKind.ADMIN, Set.of(), null, "name: must be 1-128 characters"),
				new Invalid("a\u0007b", ClientKind.ADMIN, Set.of(), null, "name: must be 1-128 characters"))) {
			assertThatExceptionOfType(InvalidInputException.class).as(invalid.message())
				.isThrownBy(() -> this.clients.register(invalid.name(), invalid.kind(), invalid.scopes(), invalid.jwk(),
						"admin"))
				.withMessageStartingWith(invalid.message());
		}
		assertThat(count()).isEqualTo(before);
		assertThat(this.events.all()).isEmpty();
	}

	@Test
	void registerWithSecretPublishesClientRegistered() {
		Client client = this.clients.registerWithSecret("bootstrap-" + System.nanoTime(), "Bootstrap", ClientKind.ADMIN,
				"s".repeat(40), Set.of("idp:admin"));
		assertThat(this.clients.findClient(client.clientId())).isPresent();
		assertThat(this.events.of(ClientRegistered.class)).singleElement()
			.satisfies((event) -> assertThat(event.clientId()).isEqualTo(client.clientId()));
	}

	@Test
	void aFoundClientIsKeptAndARowDeletedByHandStopsAuthenticatingAfterTheTimeLimit() {
		AtomicLong nanos = new AtomicLong();
		ClientRegistry registry = new ClientRegistry(this.jdbc, (event) -> {
		}, new RegistryCaches(RegistryProperties.DEFAULTS, nanos::get));
		Client client = this.clients.registerWithSecret("kept-" + System.nanoTime(), "Kept", ClientKind.RESOURCE_SERVER,
				"k".repeat(43), Set.of());
		assertThat(registry.findClient(client.clientId())).contains(client);
		this.jdbc.sql("DELETE FROM oauth_client WHERE client_id = ?").param(client.clientId()).update();
		nanos.addAndGet(Duration.ofSeconds(29).toNanos());
		assertThat(registry.findClient(client.clientId())).contains(client);
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(registry.findClient(client.clientId())).isEmpty();
	}

	@Test
	void beyondItsSizeTheClientCacheEvictsAFewClientsNotAll() {
		RegistryCaches caches = new RegistryCaches(AgentRegistryTests.cacheSizes(5, 5));
		ClientRegistry registry = new ClientRegistry(this.jdbc, (event) -> {
		}, caches);
		for (int i = 0; i < 8; i++) {
			Client client = this.clients.registerWithSecret("many-" + i + "-" + System.nanoTime(), "Many",
					ClientKind.RESOURCE_SERVER, "m".repeat(43), Set.of());
			assertThat(registry.findClient(client.clientId())).contains(client);
		}
		caches.foundClients().cleanUp();
		// issue 15, item 6: the map before Caffeine was cleared when full (3 of 8 left)
		assertThat(caches.foundClients().estimatedSize()).isEqualTo(5);
		assertThat(caches.foundClients().stats().evictionCount()).isEqualTo(3);
	}

	@Test
	void aDisabledClientIsForgottenAtOnceOnTheNodeThatDisabledIt() {
		Client client = this.clients.registerWithSecret("forgotten-" + System.nanoTime(), "Forgotten",
				ClientKind.RESOURCE_SERVER, "g".repeat(43), Set.of());
		assertThat(this.clients.findClient(client.clientId())).contains(client);
		this.clients.disable(client.clientId(), "test", "admin");
		assertThat(this.clients.findClient(client.clientId())).get()
			.satisfies((found) -> assertThat(found.disabled()).isTrue());
	}

	@Test
	void aClientNotFoundIsNotKeptSoOneRegisteredLaterIsFoundAtOnce() {
		AtomicLong nanos = new AtomicLong();
		ClientRegistry registry = new ClientRegistry(this.jdbc, (event) -> {
		}, new RegistryCaches(RegistryProperties.DEFAULTS, nanos::get));
		String clientId = "later-" + System.nanoTime();
		assertThat(registry.findClient(clientId)).isEmpty();
		Client client = this.clients.registerWithSecret(clientId, "Later", ClientKind.RESOURCE_SERVER, "l".repeat(43),
				Set.of());
		assertThat(registry.findClient(clientId)).contains(client);
	}

	@Test
	void aClientReadInsideATransactionThatRollsBackIsNotKept() {
		AtomicLong nanos = new AtomicLong();
		ClientRegistry registry = new ClientRegistry(this.jdbc, (event) -> {
		}, new RegistryCaches(RegistryProperties.DEFAULTS, nanos::get));
		String clientId = "rolled-back-" + System.nanoTime();
		new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
			this.clients.registerWithSecret(clientId, "Rolled back", ClientKind.RESOURCE_SERVER, "r".repeat(43),
					Set.of());
			assertThat(registry.findClient(clientId)).as("its own insert, inside the transaction").isPresent();
			status.setRollbackOnly();
		});
		assertThat(registry.findClient(clientId)).isEmpty();
	}

	@Test
	void aRegisteredClientCannotBeUpdated() {
		Client client = this.clients.registerWithSecret("fixed-" + System.nanoTime(), "Fixed", ClientKind.ADMIN,
				"f".repeat(43), Set.of("idp:admin"));
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> this.jdbc.sql("UPDATE oauth_client SET secret_hash = ? WHERE client_id = ?")
				.params(ClientSecrets.hash("another secret"), client.clientId())
				.update())
			.havingRootCause()
			.withMessageContaining("a registered client is immutable");
		assertThat(this.clients.findClient(client.clientId())).contains(client);
	}

}
