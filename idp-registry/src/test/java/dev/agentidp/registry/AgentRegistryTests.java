package dev.agentidp.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The agent registry on a real PostgreSQL.
 */
@SpringBootTest(classes = RegistryTestApplication.class)
class AgentRegistryTests {

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
	Agents agents;

	@Autowired
	SubAgentLimits limits;

	@Autowired
	RegistryTestApplication.PublishedEvents events;

	@Autowired
	TestClock clock;

	@BeforeEach
	void clearEvents() {
		this.events.clear();
	}

	private static String uniqueName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private Agent register(String name, String owner) {
		return this.registry.register(TestAgents.withGeneratedKey(TestAgents.document(name, owner)), ADMIN).agent();
	}

	private Map<String, Long> counts() {
		return Map.of("agent", count("agent"), "agent_key", count("agent_key"), "agent_version", count("agent_version"),
				"oauth_client", count("oauth_client"));
	}

	private long count(String table) {
		return this.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	@Test
	void findActiveAgentIsAsCurrentAsTheDatabase() {
		Agent agent = register(uniqueName("active"), "a@example.com");
		Agent first = this.registry.findActiveAgent(agent.id()).orElseThrow();
		assertThat(this.registry.findActiveAgent(agent.id())).containsSame(first);
		String oldKid = first.keys().get(0).kid();
		this.registry.addKey(agent.id(), TestAgents.json("{\"generateKey\": true}"), ADMIN);
		this.registry.retireKey(agent.id(), oldKid, 0, false, ADMIN);
		Agent rotated = this.registry.findActiveAgent(agent.id()).orElseThrow();
		assertThat(rotated.version()).isGreaterThan(first.version());
		assertThat(rotated.usableKeys(java.time.Instant.now())).extracting(AgentKey::kid).doesNotContain(oldKid);
		this.registry.suspend(agent.id(), "test", ADMIN);
		assertThat(this.registry.findActiveAgent(agent.id())).isEmpty();
		this.registry.resume(agent.id(), "test", ADMIN);
		assertThat(this.registry.findActiveAgent(agent.id())).isPresent();
		Agent child = this.registry.registerSubAgent(agent.id(), "child", agent.scopes(), null, ADMIN);
		assertThat(this.registry.findActiveAgent(child.id())).isPresent();
		this.registry.suspend(agent.id(), "parent down", ADMIN);
		assertThat(this.registry.findActiveAgent(child.id())).isEmpty();
		assertThat(this.registry.findActiveAgent(java.util.UUID.randomUUID())).isEmpty();
	}

	@Test
	void beyondItsSizeTheAgentCacheEvictsAFewAgentsNotAll() {
		RegistryCaches caches = new RegistryCaches(cacheSizes(5, 5));
		AgentRegistry registry = new AgentRegistry(this.agents, (event) -> {
		}, this.limits, caches);
		List<Agent> registered = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			registered.add(register(uniqueName("cached"), "cache@example.com"));
		}
		for (Agent agent : registered) {
			assertThat(registry.findActiveAgent(agent.id())).isPresent();
		}
		caches.activeAgents().cleanUp();
		// issue 15, item 6: the map before Caffeine was cleared when full, which would
		// leave 3 of the 8 here; the cache keeps its maximum and evicts the overflow
		assertThat(caches.activeAgents().estimatedSize()).isEqualTo(5);
		assertThat(caches.activeAgents().stats().evictionCount()).isEqualTo(3);
		for (Agent agent : registered) {
			assertThat(registry.findActiveAgent(agent.id())).as("still answered from the database").isPresent();
		}
	}

	@Test
	void anAgentUnusedForAnHourLeavesTheCache() {
		AtomicLong nanos = new AtomicLong();
		RegistryCaches caches = new RegistryCaches(RegistryProperties.DEFAULTS, nanos::get);
		AgentRegistry registry = new AgentRegistry(this.agents, (event) -> {
		}, this.limits, caches);
		Agent agent = register(uniqueName("idle"), "idle@example.com");
		Agent first = registry.findActiveAgent(agent.id()).orElseThrow();
		nanos.addAndGet(RegistryCaches.AGENT_IDLE.minusSeconds(1).toNanos());
		assertThat(registry.findActiveAgent(agent.id())).containsSame(first);
		nanos.addAndGet(RegistryCaches.AGENT_IDLE.minusSeconds(1).toNanos());
		assertThat(registry.findActiveAgent(agent.id())).as("used within the hour: kept").containsSame(first);
		nanos.addAndGet(RegistryCaches.AGENT_IDLE.plusSeconds(1).toNanos());
		assertThat(caches.activeAgents().getIfPresent(agent.id())).isNull();
		assertThat(registry.findActiveAgent(agent.id())).get()
			.isNotSameAs(first)
			.extracting(Agent::version)
			.isEqualTo(first.version());
	}

	static RegistryProperties cacheSizes(int agents, int clients) {
		RegistryProperties defaults = RegistryProperties.DEFAULTS;
		return new RegistryProperties(defaults.maxSubAgentsPerRoot(), defaults.maxNewSubAgentsPerMinute(), agents,
				clients, defaults.clientCacheTtl());
	}

	@Test
	void registerWithGeneratedKeyStoresOnlyThePublicKey() {
		AgentRegistration registration = this.registry
			.register(TestAgents.withGeneratedKey(TestAgents.document(uniqueName("gen"), "a@example.com")), ADMIN);
		Agent agent = registration.agent();
		assertThat(registration.privateJwk()).containsKeys("d", "x", "kid");
		String d = registration.privateJwk().get("d").toString();
		String stored = this.jdbc.sql("SELECT jwk::text FROM agent_key WHERE agent_id = ?")
			.param(agent.id())
			.query(String.class)
			.single();
		assertThat(stored).doesNotContain(d).doesNotContain("\"d\"");
		String versions = this.jdbc.sql("SELECT string_agg(document::text, '') FROM agent_version WHERE agent_id = ?")
			.param(agent.id())
			.query(String.class)
			.single();
		assertThat(versions).doesNotContain(d);
		Agent found = this.registry.findAgent(agent.id()).orElseThrow();
		assertThat(found.version()).isEqualTo(1);
		assertThat(found.status()).isEqualTo(AgentStatus.ACTIVE);
		assertThat(found.profile()).isEqualTo(agent.profile());
		assertThat(found.keys()).hasSize(1);
		assertThat(found.keys().get(0).kid()).isEqualTo(registration.privateJwk().get("kid"));
		assertThat(this.events.of(AgentRegistered.class)).singleElement().satisfies((event) -> {
			assertThat(event.agentId()).isEqualTo(agent.id());
			AuditEntry entry = event.auditEntry();
			assertThat(entry.chain()).isEqualTo(agent.id().toString());
			assertThat(entry.action()).isEqualTo("agent.registered");
			assertThat(entry.actor()).isEqualTo(ADMIN);
			assertThat(entry.details().toString()).doesNotContain(d);
		});
	}

	@Test
	void registerWithPublicJwk() {
		ObjectNode doc = TestAgents.document(uniqueName("pub"), "a@example.com");
		doc.set("jwk", TestAgents.json(TestAgents.p256().toJSONString()));
		AgentRegistration registration = this.registry.register(doc, ADMIN);
		assertThat(registration.privateJwk()).isNull();
		assertThat(registration.agent().keys().get(0).jwk().getKeyType().getValue()).isEqualTo("EC");
	}

	@Test
	void nameIsUniquePerOwner() {
		String name = uniqueName("dup");
		register(name, "one@example.com");
		register(name, "two@example.com");
		Map<String, Long> before = counts();
		assertThatExceptionOfType(AgentNameTakenException.class).isThrownBy(() -> register(name, "ONE@example.com"));
		assertThat(counts()).isEqualTo(before);
	}

	@Test
	void rejectedRegistrationChangesNothing() {
		Map<String, Long> before = counts();
		ObjectNode privateKey = TestAgents.document(uniqueName("priv"), "a@example.com");
		privateKey.set("jwk", AgentDocuments.JSON.valueToTree(PublicKeys.generateEd25519().privateJwk()));
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.register(privateKey, ADMIN))
			.withMessageStartingWith("jwk: must be a public key");
		ObjectNode noOwner = TestAgents.withGeneratedKey(TestAgents.document(uniqueName("x"), "a@example.com"));
		noOwner.remove("owner");
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> this.registry.register(noOwner, ADMIN))
			.withMessage("owner: is required");
		assertThat(counts()).isEqualTo(before);
		assertThat(this.events.all()).isEmpty();
	}

	@Test
	void listFiltersAndPages() {
		String owner = uniqueName("lister") + "@example.com";
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(register("list-" + i, owner).id());
		}
		ObjectNode critical = TestAgents.withGeneratedKey(TestAgents.document("list-critical", owner));
		critical.withArray("capabilities").addObject().put("scope", "payments:refund").put("riskLevel", "critical");
		Agent criticalAgent = this.registry.register(critical, ADMIN).agent();
		this.registry.suspend(ids.get(0), "test", ADMIN);

		AgentFilter byOwner = AgentFilter.of(owner, null, null, null, null);
		List<UUID> seen = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			Page<Agent> page = this.registry.list(byOwner, cursor, 2);
			assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
			page.items().forEach((agent) -> seen.add(agent.id()));
			cursor = page.nextCursor();
			pages++;
		}
		while (cursor != null);
		assertThat(pages).isEqualTo(3);
		assertThat(seen).hasSize(6).doesNotHaveDuplicates().containsAll(ids).contains(criticalAgent.id());

		assertThat(this.registry.list(AgentFilter.of(owner, "suspended", null, null, null), null, 50).items())
			.extracting(Agent::id)
			.containsExactly(ids.get(0));
		assertThat(this.registry.list(AgentFilter.of(owner, null, "critical", null, null), null, 50).items())
			.extracting(Agent::id)
			.containsExactly(criticalAgent.id());
		assertThat(this.registry.list(AgentFilter.of(owner, null, null, null, "crit"), null, 50).items())
			.extracting(Agent::id)
			.containsExactly(criticalAgent.id());
		assertThat(this.registry.list(AgentFilter.of(owner, null, null, null, "%"), null, 50).items()).isEmpty();
		assertThat(this.registry.list(AgentFilter.of(owner.toUpperCase(), null, null, null, "list-"), null, 50).items())
			.hasSize(6);
	}

	@Test
	void badFiltersCursorsAndLimitsAreRejected() {
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentFilter.of(null, "sleeping", null, null, null))
			.withMessageStartingWith("status:");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentFilter.of(null, null, "extreme", null, null))
			.withMessageStartingWith("risk:");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentFilter.of(null, null, null, "not-a-uuid", null))
			.withMessageStartingWith("parentId:");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.list(AgentFilter.ANY, "garbage!", 10))
			.withMessageStartingWith("cursor:");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.list(AgentFilter.ANY, null, 501))
			.withMessageStartingWith("limit:");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.list(AgentFilter.ANY, null, 0))
			.withMessageStartingWith("limit:");
	}

	@Test
	void mergePatchMakesVersionsAndKeepsEveryOne() {
		Agent agent = register(uniqueName("patch"), "owner@example.com");
		Agent v2 = this.registry.update(agent.id(), TestAgents.json("{\"team\": \"payments\", \"role\": null}"), 1L,
				ADMIN);
		assertThat(v2.version()).isEqualTo(2);
		assertThat(v2.profile().team()).isEqualTo("payments");
		assertThat(v2.profile().role()).isNull();
		assertThat(v2.profile().platform()).isEqualTo("langchain");
		Agent v3 = this.registry.update(agent.id(),
				TestAgents.json("{\"tokenPolicy\": {\"maxTtlSeconds\": 7200}, \"owner\": \"next@example.com\"}"), null,
				ADMIN);
		assertThat(v3.version()).isEqualTo(3);
		assertThat(v3.tokenPolicy()).isEqualTo(new TokenPolicy(900, 7200, 3));
		assertThat(v3.owner()).isEqualTo("next@example.com");

		AgentUpdated transfer = this.events.of(AgentUpdated.class).get(1);
		assertThat(transfer.ownerTransferred()).isTrue();
		assertThat(transfer.changedFields()).containsExactly("owner", "tokenPolicy");
		assertThat(transfer.auditEntry().details()).containsEntry("ownerTransfer",
				Map.of("from", "owner@example.com", "to", "next@example.com"));
		assertThat(this.events.of(AgentUpdated.class).get(0).auditEntry().details()).doesNotContainKey("ownerTransfer");

		Page<JsonNode> versions = this.registry.versions(agent.id(), null, 2);
		assertThat(versions.items()).extracting((doc) -> doc.get("version").longValue()).containsExactly(3L, 2L);
		Page<JsonNode> rest = this.registry.versions(agent.id(), versions.nextCursor(), 2);
		assertThat(rest.items()).extracting((doc) -> doc.get("version").longValue()).containsExactly(1L);
		assertThat(rest.nextCursor()).isNull();
		assertThat(rest.items().get(0).get("team").stringValue()).isEqualTo("support");
		assertThat(rest.items().get(0).get("owner").stringValue()).isEqualTo("owner@example.com");
	}

	@Test
	void patchThatChangesNothingMakesNoVersion() {
		Agent agent = register(uniqueName("noop"), "owner@example.com");
		assertThat(this.registry.update(agent.id(), TestAgents.json("{\"team\": \"support\"}"), null, ADMIN).version())
			.isEqualTo(1);
		assertThat(this.events.of(AgentUpdated.class)).isEmpty();
	}

	@Test
	void rejectedPatchChangesNothing() {
		Agent agent = register(uniqueName("bad-patch"), "owner@example.com");
		Map<String, Long> before = counts();
		for (String patch : List.of("{\"id\": \"x\"}", "{\"status\": \"retired\"}", "{\"version\": 9}",
				"{\"parentId\": null}", "{\"createdAt\": \"2020-01-01T00:00:00Z\"}", "{\"keys\": []}",
				"{\"riskLevel\": \"low\"}", "{\"owner\": \"nope\"}", "{\"capabilities\": null}",
				"{\"tokenPolicy\": {\"maxTtlSeconds\": 90000}}", "{\"unknown\": 1}", "[]")) {
			assertThatExceptionOfType(InvalidInputException.class)
				.isThrownBy(() -> this.registry.update(agent.id(), TestAgents.json(patch), null, ADMIN));
		}
		assertThatExceptionOfType(AgentVersionMismatchException.class)
			.isThrownBy(() -> this.registry.update(agent.id(), TestAgents.json("{\"team\": \"x\"}"), 7L, ADMIN));
		assertThat(counts()).isEqualTo(before);
		assertThat(this.registry.getAgent(agent.id()).version()).isEqualTo(1);
		assertThat(this.events.of(AgentUpdated.class)).isEmpty();
	}

	@Test
	void ownerTransferToAnOwnerWithTheSameNameIsAConflict() {
		String name = uniqueName("clash");
		register(name, "first@example.com");
		Agent second = register(name, "second@example.com");
		assertThatExceptionOfType(AgentNameTakenException.class).isThrownBy(() -> this.registry.update(second.id(),
				TestAgents.json("{\"owner\": \"first@example.com\"}"), null, ADMIN));
	}

	@Test
	void unknownAgentIsNotFound() {
		UUID id = UUID.randomUUID();
		assertThat(this.registry.findAgent(id)).isEmpty();
		assertThat(this.registry.isActiveWithAncestors(id)).isFalse();
		assertThat(this.registry.activeKeys(id)).isEmpty();
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> this.registry.suspend(id, null, ADMIN));
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> this.registry.update(id, TestAgents.json("{}"), null, ADMIN));
		assertThatExceptionOfType(AgentNotFoundException.class).isThrownBy(() -> this.registry.versions(id, null, 5));
	}

	@Test
	void lifecyclePublishesEventsAndGuardsTransitions() {
		Agent agent = register(uniqueName("life"), "owner@example.com");
		Agent child = this.registry.registerSubAgent(agent.id(), "child", Set.of("crm:read"), null, "parent");
		Agent grandchild = this.registry.registerSubAgent(child.id(), "grandchild", Set.of("crm:read"), null, "child");
		this.events.clear();

		assertThat(this.registry.suspend(agent.id(), "investigation", ADMIN).status()).isEqualTo(AgentStatus.SUSPENDED);
		assertThat(this.registry.isActiveWithAncestors(agent.id())).isFalse();
		assertThat(this.registry.isActiveWithAncestors(grandchild.id())).isFalse();
		assertThat(this.registry.getAgent(grandchild.id()).status()).isEqualTo(AgentStatus.ACTIVE);
		AgentSuspended suspended = this.events.of(AgentSuspended.class).get(0);
		assertThat(suspended.subAgentIds()).containsExactly(child.id(), grandchild.id());
		assertThat(suspended.auditEntry().reason()).isEqualTo("investigation");
		assertThat(suspended.auditEntry().action()).isEqualTo("agent.suspended");

		assertThatIllegalStateException().isThrownBy(() -> this.registry.suspend(agent.id(), null, ADMIN));
		assertThat(this.registry.resume(agent.id(), "cleared", ADMIN).status()).isEqualTo(AgentStatus.ACTIVE);
		assertThat(this.registry.isActiveWithAncestors(grandchild.id())).isTrue();
		assertThat(this.events.of(AgentResumed.class).get(0).auditEntry().action()).isEqualTo("agent.resumed");

		Agent retired = this.registry.retire(agent.id(), "decommissioned", ADMIN);
		assertThat(retired.status()).isEqualTo(AgentStatus.RETIRED);
		assertThat(retired.version()).isEqualTo(4);
		assertThat(this.registry.getAgent(child.id()).status()).isEqualTo(AgentStatus.RETIRED);
		assertThat(this.registry.getAgent(grandchild.id()).status()).isEqualTo(AgentStatus.RETIRED);
		AgentRetired event = this.events.of(AgentRetired.class).get(0);
		assertThat(event.subAgentIds()).containsExactly(child.id(), grandchild.id());
		assertThat(event.auditEntry().chain()).isEqualTo(agent.id().toString());

		long versions = count("agent_version");
		assertThatExceptionOfType(IllegalAgentStateException.class)
			.isThrownBy(() -> this.registry.resume(agent.id(), null, ADMIN))
			.withMessageContaining("final");
		assertThatIllegalStateException().isThrownBy(() -> this.registry.retire(agent.id(), null, ADMIN));
		assertThat(count("agent_version")).isEqualTo(versions);
		assertThat(this.registry.versions(agent.id(), null, 50).items())
			.extracting((doc) -> doc.get("status").stringValue())
			.containsExactly("retired", "active", "suspended", "active");
	}

	@Test
	void reasonIsChecked() {
		assertThat(AgentRegistry.readReason(null)).isNull();
		assertThat(AgentRegistry.readReason(TestAgents.json("{\"reason\": \"why\"}"))).isEqualTo("why");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentRegistry.readReason(TestAgents.json("{\"why\": \"x\"}")))
			.withMessageStartingWith("why:");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentRegistry.readReason(TestAgents.json("{\"reason\": 5}")))
			.withMessage("reason: must be a string");
	}

	@Test
	void keyRotationWithGrace() {
		Agent agent = register(uniqueName("rotate"), "owner@example.com");
		String oldKid = agent.keys().get(0).kid();
		AgentRegistration added = this.registry.addKey(agent.id(),
				TestAgents.json("{\"jwk\": " + TestAgents.ed25519PublicJwk() + "}"), ADMIN);
		assertThat(added.privateJwk()).isNull();
		String newKid = added.agent().keys().get(1).kid();
		assertThat(this.registry.activeKeys(agent.id())).extracting(AgentKey::kid).containsExactly(oldKid, newKid);

		Agent rotated = this.registry.retireKey(agent.id(), oldKid, 1, false, ADMIN);
		AgentKey retiring = rotated.key(oldKid).orElseThrow();
		assertThat(retiring.status()).isEqualTo(KeyStatus.RETIRING);
		assertThat(retiring.expiresAt()).isAfter(Instant.now().minusSeconds(1));
		assertThat(this.registry.findActiveKey(agent.id(), oldKid)).isPresent();
		KeyRetired event = this.events.of(KeyRetired.class).get(0);
		assertThat(event.status()).isEqualTo(KeyStatus.RETIRING);
		assertThat(event.auditEntry().action()).isEqualTo("key.retired");
		// the grace period ends: the registry's clock moves, nothing sleeps
		this.clock.advance(Duration.ofMillis(1100));
		assertThat(this.registry.findActiveKey(agent.id(), oldKid)).isEmpty();
		assertThat(this.registry.activeKeys(agent.id())).extracting(AgentKey::kid).containsExactly(newKid);
		assertThat(AgentDocuments.toJson(this.registry.getAgent(agent.id()), this.clock.instant())
			.get("keys")
			.get(0)
			.get("status")
			.stringValue()).isEqualTo("revoked");

		Map<String, Long> before = counts();
		assertThatIllegalStateException().isThrownBy(() -> this.registry.retireKey(agent.id(), newKid, 0, false, ADMIN))
			.withMessageContaining("last active key");
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> this.registry.retireKey(agent.id(), "unknown", 0, false, ADMIN));
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.retireKey(agent.id(), newKid, -1, false, ADMIN))
			.withMessageStartingWith("graceSeconds:");
		assertThatIllegalStateException().isThrownBy(() -> this.registry.addKey(agent.id(),
				TestAgents.json("{\"jwk\": " + added.agent().keys().get(1).jwk().toJSONString() + "}"), ADMIN));
		assertThat(counts()).isEqualTo(before);

		AgentRegistration generated = this.registry.addKey(agent.id(), TestAgents.json("{\"generateKey\": true}"),
				ADMIN);
		assertThat(generated.privateJwk()).containsKey("d");
		assertThat(this.registry.retireKey(agent.id(), newKid, 0, false, ADMIN).key(newKid).orElseThrow().status())
			.isEqualTo(KeyStatus.REVOKED);
		assertThat(this.registry.findActiveKey(agent.id(), newKid)).isEmpty();
		assertThat(this.events.of(KeyAdded.class)).extracting(KeyAdded::generated).containsExactly(false, true);
	}

	@Test
	void subAgentsAreDerivedFromTheirParentAndReused() {
		Agent parent = register(uniqueName("parent"), "owner@example.com");
		String jwk = TestAgents.ed25519PublicJwk();
		Agent sub = this.registry.registerSubAgent(parent.id(), "worker", Set.of("crm:read"), jwk,
				parent.id().toString());
		assertThat(sub.parentId()).isEqualTo(parent.id());
		assertThat(sub.owner()).isEqualTo(parent.owner());
		assertThat(sub.profile().environment()).isEqualTo(Environment.PROD);
		assertThat(sub.scopes()).containsExactly("crm:read");
		assertThat(sub.riskLevel()).isEqualTo(RiskLevel.MEDIUM);
		assertThat(sub.tokenPolicy()).isEqualTo(parent.tokenPolicy());
		assertThat(this.registry.activeKeys(sub.id())).hasSize(1);
		assertThat(this.registry.isActiveWithAncestors(sub.id())).isTrue();

		Agent again = this.registry.registerSubAgent(parent.id(), "worker", Set.of("crm:read"), jwk, "x");
		assertThat(again.id()).isEqualTo(sub.id());
		assertThat(again.version()).isEqualTo(1);
		Agent widened = this.registry.registerSubAgent(parent.id(), "worker", Set.of("tickets:write"), null, "x");
		assertThat(widened.id()).isEqualTo(sub.id());
		assertThat(widened.scopes()).containsExactlyInAnyOrder("crm:read", "tickets:write");
		assertThat(this.registry.findSubAgent(parent.id(), "worker")).map(Agent::id).contains(sub.id());
		assertThat(this.registry.subAgentIds(parent.id())).containsExactly(sub.id());
		assertThat(this.registry.list(AgentFilter.of(null, null, null, parent.id().toString(), null), null, 10).items())
			.extracting(Agent::id)
			.containsExactly(sub.id());

		Agent keyless = this.registry.registerSubAgent(parent.id(), "keyless", Set.of("crm:read"), null, "x");
		assertThat(keyless.keys()).isEmpty();

		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.registerSubAgent(parent.id(), "w2", Set.of("admin:all"), null, "x"))
			.withMessageContaining("not a capability of the parent");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.registerSubAgent(parent.id(), "bad name", Set.of("crm:read"), null, "x"));
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> this.registry.update(sub.id(),
				TestAgents.json("{\"owner\": \"other@example.com\"}"), null, ADMIN));

		this.registry.suspend(parent.id(), null, ADMIN);
		assertThat(this.registry.isActiveWithAncestors(sub.id())).isFalse();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.registry.registerSubAgent(parent.id(), "late", Set.of("crm:read"), null, "x"));
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void noResponseVersionOrLogLineCarriesPrivateKeyMaterial(CapturedOutput output) {
		AgentRegistration registration = this.registry
			.register(TestAgents.withGeneratedKey(TestAgents.document(uniqueName("secret"), "a@example.com")), ADMIN);
		String d = registration.privateJwk().get("d").toString();
		assertThat(this.registry.document(registration.agent()).toString()).doesNotContain(d);
		assertThat(registration.toString()).doesNotContain(d);
		assertThat(this.registry.versions(registration.agent().id(), null, 10).items().toString()).doesNotContain(d);
		AgentRegistration added = this.registry.addKey(registration.agent().id(),
				TestAgents.json("{\"generateKey\": true}"), ADMIN);
		assertThat(output.getAll()).doesNotContain(d).doesNotContain(added.privateJwk().get("d").toString());
	}

}
