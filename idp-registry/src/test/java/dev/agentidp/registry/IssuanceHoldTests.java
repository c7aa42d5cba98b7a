package dev.agentidp.registry;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.agentidp.db.test.LockWaits;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link AgentRegistry#holdForIssuanceWithAncestors}, the hold on a sub-agent and the
 * read of its chain in one statement (V30), on a real PostgreSQL: it answers what the
 * hold and then {@link AgentRegistry#isActiveWithAncestors} answered, also when the hold
 * had to wait for a transaction that stopped issuance and suspended an ancestor.
 */
@SpringBootTest(classes = RegistryTestApplication.class)
class IssuanceHoldTests {

	private static final String ADMIN = "admin-client";

	@DynamicPropertySource
	static void db(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
	}

	@Autowired
	AgentRegistry registry;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	DataSource dataSource;

	private Agent register(String prefix) {
		String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
		return this.registry.register(TestAgents.profile(name, "owner@example.com"), NewKey.generate(), ADMIN).agent();
	}

	private Optional<Long> held(AgentId id) {
		return this.transactions.execute((status) -> this.registry.holdForIssuanceWithAncestors(id));
	}

	@Test
	void answersTheVersionWhileTheAgentAndItsAncestorsAreActive() {
		Agent parent = register("hold-parent");
		Agent sub = this.registry.registerSubAgent(parent.id(), "held", parent.scopes(), null, ADMIN);
		assertThat(held(sub.id())).contains(sub.version());
		assertThat(held(parent.id())).contains(parent.version());
		this.registry.suspend(parent.id(), "hold test", ADMIN);
		assertThat(held(sub.id())).as("the parent is suspended").isEmpty();
		assertThat(held(parent.id())).isEmpty();
		assertThat(held(AgentId.random())).as("an unknown agent").isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> this.registry.holdForIssuanceWithAncestors(sub.id()))
			.withMessageContaining("transaction");
	}

	@Test
	void aHoldThatWaitedSeesTheSuspensionItWaitedFor() throws Exception {
		Agent parent = register("hold-wait");
		Agent sub = this.registry.registerSubAgent(parent.id(), "waiting", parent.scopes(), null, ADMIN);
		CountDownLatch stopped = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<?> suspension = threads.submit(() -> this.transactions.executeWithoutResult((status) -> {
				this.registry.stopIssuance(sub.id());
				this.jdbc.sql("UPDATE agent SET status = 'suspended' WHERE id = ?").param(parent.id().value()).update();
				stopped.countDown();
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
			assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();
			Future<Optional<Long>> hold = threads.submit(() -> held(sub.id()));
			LockWaits.awaitWaiting(this.dataSource, "%agent_hold_for_issuance_with_ancestors%", "the hold");
			release.countDown();
			suspension.get(30, TimeUnit.SECONDS);
			// read on the snapshot of the statement that called the function, the parent
			// would still be active
			assertThat(hold.get(30, TimeUnit.SECONDS)).as("the chain read after the hold was granted").isEmpty();
		}
		finally {
			release.countDown();
			threads.shutdownNow();
		}
	}

}
