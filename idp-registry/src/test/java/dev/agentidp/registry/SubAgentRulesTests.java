package dev.agentidp.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The rules a sub-agent lives by, on a real PostgreSQL (issue 14, items 2, 7, 8 and 11):
 * how many a parent and a root may derive and how fast, capabilities within the parent's
 * on every write, a capability removed from an agent removed below it too, and an owner
 * transfer carried to every descendant. The caps are lowered so that the tests reach
 * them.
 */
@SpringBootTest(classes = RegistryTestApplication.class,
		properties = { "idp.registry.max-sub-agents-per-root=30", "idp.registry.max-new-sub-agents-per-minute=20" })
class SubAgentRulesTests {

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
	RegistryTestApplication.PublishedEvents events;

	@BeforeEach
	void clearEvents() {
		this.events.clear();
	}

	private Agent register(AgentProfile profile) {
		return this.registry.register(profile, NewKey.generate(), ADMIN).agent();
	}

	private Agent register() {
		return register(profile());
	}

	private static AgentProfile profile() {
		return TestAgents.profile("agent-" + UUID.randomUUID(), "owner@example.com");
	}

	private Agent update(Agent agent, java.util.function.UnaryOperator<TestAgents.Edit> edit) {
		return this.registry.update(agent.id(), (current) -> edit.apply(TestAgents.edit(current)).build(), null, ADMIN);
	}

	private Agent derive(Agent parent, String name, String... scopes) {
		return this.registry.registerSubAgent(parent.id(), name, Set.of(scopes), null, parent.id().toString());
	}

	private long count(String table) {
		return this.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	private List<AuditEntry> audited(String action) {
		return this.events.all()
			.stream()
			.map((event) -> event.auditEntry())
			.filter((e) -> e.action().equals(action))
			.toList();
	}

	// ---------------------------------------------------------------- item 2

	@Test
	void aParentDerivesAtMostTokenPolicyMaxSubAgentsAndExistingNamesKeepWorking() {
		Agent parent = register(TestAgents.edit(profile()).tokenPolicy(new TokenPolicy(900, 3600, 3, 2)).build());
		assertThat(this.registry.getAgent(parent.id()).tokenPolicy().maxSubAgents()).isEqualTo(2);
		Agent first = derive(parent, "one", "crm:read");
		derive(parent, "two", "crm:read");
		long agents = count("agent");
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> derive(parent, "three", "crm:read"))
			.withMessageContaining("sub_agent")
			.withMessageContaining("2 sub-agents")
			.withMessageContaining("tokenPolicy.maxSubAgents");
		assertThat(count("agent")).isEqualTo(agents);
		assertThat(derive(parent, "one", "crm:read").id()).isEqualTo(first.id());
		assertThat(derive(parent, "one", "tickets:write").scopes()).containsExactlyInAnyOrder("crm:read",
				"tickets:write");
	}

	@Test
	void maxSubAgentsIsValidatedAndDefaultsToOneHundred() {
		// the admin API's rule for the body (-1, 1.5, "5", ...) is TokenPolicyRequest's
		// (idp-app, AgentDocumentRequestTests); the bound is also an invariant here
		Agent agent = register();
		assertThat(this.registry.getAgent(agent.id()).tokenPolicy().maxSubAgents()).isEqualTo(100);
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(
				() -> register(TestAgents.edit(profile()).tokenPolicy(new TokenPolicy(900, 3600, 3, 10_001)).build()))
			.withMessageStartingWith("tokenPolicy.maxSubAgents:");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new TokenPolicy(900, 3600, 3, -1));
		Agent patched = update(agent, (edit) -> edit.tokenPolicy(new TokenPolicy(900, 3600, 3, 0)));
		assertThat(patched.version()).isEqualTo(2);
		assertThat(this.registry.versions(agent.id(), null, 5).items().get(0).profile().tokenPolicy().maxSubAgents())
			.isZero();
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> derive(patched, "any", "crm:read"))
			.withMessageContaining("tokenPolicy.maxSubAgents");
	}

	@Test
	void aRootHoldsAtMostTheConfiguredNumberOfDescendants() {
		Agent root = register();
		List<Agent> children = new ArrayList<>();
		for (int i = 0; i < 15; i++) {
			children.add(derive(root, "child-" + i, "crm:read"));
		}
		for (int i = 0; i < 15; i++) {
			derive(children.get(0), "grandchild-" + i, "crm:read");
		}
		assertThat(this.registry.subAgentIds(root.id())).hasSize(30);
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> derive(children.get(1), "one-too-many", "crm:read"))
			.withMessageContaining("30 sub-agents below its root")
			.withMessageContaining("idp.registry.max-sub-agents-per-root");
		assertThat(derive(children.get(0), "grandchild-0", "crm:read").parentId()).isEqualTo(children.get(0).id());
	}

	@Test
	void aParentDerivesAtMostTheConfiguredNumberOfNewSubAgentsPerMinute() {
		Agent parent = register();
		for (int i = 0; i < 20; i++) {
			derive(parent, "fast-" + i, "crm:read");
		}
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> derive(parent, "fast-20", "crm:read"))
			.withMessageContaining("20 new sub-agents in the last minute")
			.withMessageContaining("idp.registry.max-new-sub-agents-per-minute");
		// an existing name is no new sub-agent
		assertThat(derive(parent, "fast-0", "crm:read").name()).isEqualTo("fast-0");
		// the window is the last minute: sub-agents derived earlier do not count
		this.jdbc.sql("UPDATE agent SET created_at = created_at - interval '2 minutes' WHERE parent_id = ?")
			.param(parent.id().value())
			.update();
		assertThat(derive(parent, "fast-20", "crm:read").name()).isEqualTo("fast-20");
	}

	@Test
	void concurrentDerivationsNeverPassTheCapTogether() throws Exception {
		Agent parent = register(TestAgents.edit(profile()).tokenPolicy(new TokenPolicy(900, 3600, 3, 5)).build());
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Boolean>> attempts = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				String name = "racer-" + i;
				attempts.add(pool.submit(() -> {
					start.await();
					try {
						derive(parent, name, "crm:read");
						return true;
					}
					catch (InvalidInputException ex) {
						return false;
					}
				}));
			}
			start.countDown();
			int derived = 0;
			for (Future<Boolean> attempt : attempts) {
				derived += attempt.get(30, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(derived).isEqualTo(5);
			assertThat(this.registry.subAgentIds(parent.id())).hasSize(5);
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---------------------------------------------------------------- item 8

	@Test
	void aSubAgentsCapabilitiesStayWithinItsParentsOnEveryPatch() {
		Agent parent = register();
		Agent sub = derive(parent, "narrow", "crm:read");
		long versions = count("agent_version");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> update(sub,
					(edit) -> edit.capabilities(TestAgents.capability("crm:read", RiskLevel.LOW),
							TestAgents.capability("admin:all", RiskLevel.CRITICAL))))
			.withMessageStartingWith("capabilities[1].scope:")
			.withMessageContaining("'admin:all' is not a capability of the parent agent " + parent.id());
		assertThat(count("agent_version")).isEqualTo(versions);
		assertThat(this.registry.getAgent(sub.id()).scopes()).containsExactly("crm:read");
		// within the parent's: accepted
		Agent widened = update(sub, (edit) -> edit.capabilities(TestAgents.capability("crm:read", RiskLevel.LOW),
				TestAgents.capability("tickets:write", RiskLevel.LOW)));
		assertThat(widened.scopes()).containsExactlyInAnyOrder("crm:read", "tickets:write");
	}

	// ---------------------------------------------------------------- item 7

	@Test
	void removingACapabilityNarrowsEverySubAgentBelowAndRetiresThoseLeftWithNone() {
		Agent root = register();
		Agent child = derive(root, "child", "crm:read", "tickets:write");
		Agent grandchild = derive(child, "grandchild", "crm:read", "tickets:write");
		Agent reader = derive(child, "reader", "crm:read");
		Agent writer = derive(root, "writer", "tickets:write");
		this.events.clear();

		update(root, (edit) -> edit.capabilities(TestAgents.capability("tickets:write", RiskLevel.LOW)));

		assertThat(this.registry.getAgent(child.id()).scopes()).containsExactly("tickets:write");
		assertThat(this.registry.getAgent(child.id()).version()).isEqualTo(2);
		assertThat(this.registry.getAgent(grandchild.id()).scopes()).containsExactly("tickets:write");
		assertThat(this.registry.getAgent(reader.id()).status()).isEqualTo(AgentStatus.RETIRED);
		assertThat(this.registry.getAgent(writer.id()).version()).isEqualTo(1);
		List<AuditEntry> removed = audited("agent.capabilities_removed");
		assertThat(removed).hasSize(1);
		assertThat(removed.get(0).chain()).isEqualTo(root.id().toString());
		assertThat(removed.get(0).details().get("removedScopes")).isEqualTo(List.of("crm:read"));
		assertThat(audited("agent.updated")).extracting(AuditEntry::chain)
			.containsExactlyInAnyOrder(root.id().toString(), child.id().toString(), grandchild.id().toString());
		assertThat(audited("agent.updated")).filteredOn((e) -> !e.chain().equals(root.id().toString()))
			.allSatisfy((e) -> assertThat(e.reason()).contains("removed from " + root.id()).contains("crm:read"));
		assertThat(audited("agent.retired")).extracting(AuditEntry::chain).containsExactly(reader.id().toString());
		// the narrowed sub-agent cannot be given the scope again
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> derive(child, "grandchild", "crm:read"))
			.withMessageContaining("not a capability of the parent");
	}

	// ---------------------------------------------------------------- item 11

	@Test
	void anOwnerTransferIsCarriedToEveryDescendantAndAuditedOnTheirChains() {
		Agent root = register();
		Agent child = derive(root, "child", "crm:read");
		Agent grandchild = derive(child, "grandchild", "crm:read");
		this.events.clear();

		update(root, (edit) -> edit.owner("New-Owner@example.com"));

		for (Agent below : List.of(child, grandchild)) {
			Agent now = this.registry.getAgent(below.id());
			assertThat(now.owner()).isEqualTo("new-owner@example.com");
			assertThat(now.version()).isEqualTo(2);
			assertThat(this.registry.versions(below.id(), null, 1).items().get(0).profile().owner())
				.isEqualTo("new-owner@example.com");
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM agent WHERE owner = 'owner@example.com' AND id IN (?, ?)")
			.params(child.id().value(), grandchild.id().value())
			.query(Long.class)
			.single()).isZero();
		List<AuditEntry> updated = audited("agent.updated");
		assertThat(updated).extracting(AuditEntry::chain)
			.containsExactlyInAnyOrder(root.id().toString(), child.id().toString(), grandchild.id().toString());
		assertThat(updated).allSatisfy((entry) -> assertThat(entry.details().get("ownerTransfer"))
			.isEqualTo(java.util.Map.of("from", "owner@example.com", "to", "new-owner@example.com")));
	}

}
