package dev.agentidp.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
		return this.registry.register(TestAgents.profile(name, owner), NewKey.generate(), ADMIN).agent();
	}

	private Map<String, Long> counts() {
		return Map.of("agent", count("agent"), "agent_key", count("agent_key"), "agent_version", count("agent_version"),
				"oauth_client", count("oauth_client"));
	}

	private long count(String table) {
		return this.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	@Test
	void subAgentCountsCountsEachAgentsDirectSubAgentsInOneCall() {
		Agent parent = register(uniqueName("counted"), "owner@example.com");
		Agent lonely = register(uniqueName("lonely"), "owner@example.com");
		Agent child = this.registry.registerSubAgent(parent.id(), "one", parent.scopes(), null, ADMIN);
		this.registry.registerSubAgent(parent.id(), "two", parent.scopes(), null, ADMIN);
		this.registry.registerSubAgent(child.id(), "grandchild", child.scopes(), null, ADMIN);
		assertThat(this.registry.subAgentCounts(List.of(parent.id(), lonely.id(), child.id())))
			.containsExactly(Map.entry(parent.id(), 2L), Map.entry(lonely.id(), 0L), Map.entry(child.id(), 1L));
		assertThat(this.registry.subAgentCounts(List.of())).isEmpty();
	}

	@Test
	void versionIsTheDocumentAsItWasAtThatVersion() {
		Agent agent = register(uniqueName("versioned"), "owner@example.com");
		this.registry.suspend(agent.id(), "incident", ADMIN);
		assertThat(this.registry.version(agent.id(), 1)).get()
			.extracting(AgentVersion::status)
			.isEqualTo(AgentStatus.ACTIVE);
		assertThat(this.registry.version(agent.id(), 2)).get()
			.extracting(AgentVersion::status)
			.isEqualTo(AgentStatus.SUSPENDED);
		assertThat(this.registry.version(agent.id(), 3)).isEmpty();
	}

	@Test
	void findActiveAgentIsAsCurrentAsTheDatabase() {
		Agent agent = register(uniqueName("active"), "a@example.com");
		Agent first = this.registry.findActiveAgent(agent.id()).orElseThrow();
		assertThat(this.registry.findActiveAgent(agent.id())).containsSame(first);
		String oldKid = first.keys().get(0).kid();
		this.registry.addKey(agent.id(), NewKey.generate(), ADMIN);
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
		assertThat(this.registry.findActiveAgent(AgentId.random())).isEmpty();
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
		AgentRegistration registration = this.registry.register(TestAgents.profile(uniqueName("gen"), "a@example.com"),
				NewKey.generate(), ADMIN);
		Agent agent = registration.agent();
		assertThat(registration.privateJwk()).containsKeys("d", "x", "kid");
		String d = registration.privateJwk().get("d").toString();
		String stored = this.jdbc.sql("SELECT jwk::text FROM agent_key WHERE agent_id = ?")
			.param(agent.id().value())
			.query(String.class)
			.single();
		assertThat(stored).doesNotContain(d).doesNotContain("\"d\"");
		String versions = this.jdbc.sql("SELECT string_agg(document::text, '') FROM agent_version WHERE agent_id = ?")
			.param(agent.id().value())
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
		AgentRegistration registration = this.registry.register(TestAgents.profile(uniqueName("pub"), "a@example.com"),
				NewKey.parse(TestAgents.p256().toJSONString()), ADMIN);
		assertThat(registration.privateJwk()).isNull();
		assertThat(registration.agent().keys().get(0).jwk().getKeyType().getValue()).isEqualTo("EC");
	}

	/**
	 * Issue 15, item 1: a row is read as stored. Before, reading re-applied the input
	 * rules, so that a rule made stricter would have made every agent that broke it
	 * unreadable (a 500 on reads, lists and the token endpoint).
	 */
	@Test
	void anAgentStoredUnderOlderRulesStaysReadableListableAndUsable() {
		AgentId id = AgentId.random();
		String owner = uniqueName("older") + "@example.com";
		String description = "d".repeat(3000);
		String profile = """
				{"name": "older-rules", "owner": "%s", "team": "%s", "platform": null, "environment": "dev",
				 "description": "%s", "role": null,
				 "capabilities": [{"scope": "crm read", "description": null, "riskLevel": "high"}],
				 "tools": [], "resources": [], "dataAccess": [],
				 "humanOversight": {"requiredFor": [], "approvers": []},
				 "tokenPolicy": {"defaultTtlSeconds": 900, "maxTtlSeconds": 172800, "maxDelegationDepth": 3,
				                 "maxSubAgents": 100},
				 "nickname": "a member a later version added"}""".formatted(owner, "t".repeat(300), description);
		Instant created = Instant.parse("2026-01-02T03:04:05.123456Z");
		com.nimbusds.jose.jwk.JWK jwk = PublicKeys.generateEd25519().publicJwk();
		this.jdbc.sql("""
				INSERT INTO agent (id, name, owner, environment, status, risk_level, version, profile, created_at,
				                   updated_at)
				VALUES (?, 'older-rules', ?, 'dev', 'active', 'high', 1, ?::jsonb, ?, ?)""")
			.params(id.value(), owner, profile, java.sql.Timestamp.from(created), java.sql.Timestamp.from(created))
			.update();
		this.jdbc
			.sql("INSERT INTO agent_key (agent_id, kid, jwk, status, created_at) VALUES (?, ?, ?::jsonb, 'active', ?)")
			.params(id.value(), jwk.getKeyID(), jwk.toJSONString(), java.sql.Timestamp.from(created))
			.update();
		String version = profile.substring(0, profile.lastIndexOf('}')) + """
				, "id": "%s", "version": 1, "status": "active", "riskLevel": "high", "parentId": null,
				  "keys": [{"kid": "%s", "kty": "OKP", "crv": "Ed25519", "x": "%s", "alg": "EdDSA", "status": "active",
				            "createdAt": "%s", "expiresAt": null}],
				  "createdAt": "%s", "updatedAt": "%s"}""".formatted(id, jwk.getKeyID(), jwk.toOctetKeyPair().getX(),
				created, created, created);
		this.jdbc
			.sql("INSERT INTO agent_version (agent_id, version, document, actor, created_at)"
					+ " VALUES (?, 1, ?::jsonb, 'before', ?)")
			.params(id.value(), version, java.sql.Timestamp.from(created))
			.update();

		Agent agent = this.registry.getAgent(id);
		assertThat(agent.scopes()).containsExactly("crm read");
		assertThat(agent.profile().description()).isEqualTo(description);
		assertThat(agent.tokenPolicy().maxTtlSeconds()).isEqualTo(172800);
		assertThat(this.registry.findActiveAgent(id)).map(Agent::id).contains(id);
		assertThat(this.registry.findActiveKey(id, jwk.getKeyID())).isPresent();
		assertThat(this.registry.list(AgentFilter.of(owner, null, null, null, null), null, 10).items())
			.extracting(Agent::id)
			.containsExactly(id);
		AgentVersion stored = this.registry.versions(id, null, 10).items().get(0);
		assertThat(stored.profile()).isEqualTo(agent.profile());
		assertThat(stored.keys()).extracting(AgentKey::kid).containsExactly(jwk.getKeyID());
		assertThat(stored.createdAt()).isEqualTo(created);
		// a new version is held to today's rules: the change names the field to fix
		Map<String, Long> before = counts();
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.update(id, (current) -> TestAgents.edit(current).team("support").build(),
					null, ADMIN))
			.withMessage("capabilities[0].scope: " + Scopes.RULE);
		assertThat(counts()).isEqualTo(before);
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
		AgentProfile profile = TestAgents.profile(uniqueName("priv"), "a@example.com");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(
					() -> this.registry.register(profile, NewKey.of(PublicKeys.generateEd25519().privateJwk()), ADMIN))
			.withMessageStartingWith("jwk: must be a public key");
		// the invariants hold for every caller (the admin API's request records check
		// them first, with the rest of its input rules)
		Map<AgentProfile, String> broken = Map.of(TestAgents.edit(profile).owner("not an email").build(),
				"owner: " + Emails.RULE, TestAgents.edit(profile).name("bad name").build(), "name: " + Names.RULE,
				TestAgents.edit(profile).addCapability("IDP:admin", RiskLevel.LOW).build(),
				"capabilities[2].scope: " + Scopes.RESERVED_RULE,
				TestAgents.edit(profile).addCapability("crm read", RiskLevel.LOW).build(),
				"capabilities[2].scope: " + Scopes.RULE,
				TestAgents.edit(profile).addCapability("crm:read", RiskLevel.LOW).build(),
				"capabilities[2].scope: duplicates scope crm:read",
				TestAgents.edit(profile).humanOversight(new HumanOversight(List.of("a b"), List.of())).build(),
				"humanOversight.requiredFor[0]: " + Scopes.RULE,
				TestAgents.edit(profile).tokenPolicy(new TokenPolicy(900, 86_401, 3)).build(),
				"tokenPolicy.maxTtlSeconds: must be between 1 and 86400 seconds (24 h)",
				TestAgents.edit(profile).tokenPolicy(new TokenPolicy(900, 3600, 17)).build(),
				"tokenPolicy.maxDelegationDepth: must be between 0 and 16",
				TestAgents.edit(profile).tokenPolicy(new TokenPolicy(900, 3600, 3, 10_001)).build(),
				"tokenPolicy.maxSubAgents: must be between 0 and 10000");
		broken.forEach((invalid, message) -> assertThatExceptionOfType(InvalidInputException.class).as(message)
			.isThrownBy(() -> this.registry.register(invalid, NewKey.generate(), ADMIN))
			.withMessage(message));
		assertThat(counts()).isEqualTo(before);
		assertThat(this.events.all()).isEmpty();
	}

	@Test
	void listFiltersAndPages() {
		String owner = uniqueName("lister") + "@example.com";
		List<AgentId> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(register("list-" + i, owner).id());
		}
		AgentProfile critical = TestAgents.edit(TestAgents.profile("list-critical", owner))
			.addCapability("payments:refund", RiskLevel.CRITICAL)
			.build();
		Agent criticalAgent = this.registry.register(critical, NewKey.generate(), ADMIN).agent();
		this.registry.suspend(ids.get(0), "test", ADMIN);

		AgentFilter byOwner = AgentFilter.of(owner, null, null, null, null);
		List<AgentId> seen = new ArrayList<>();
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
	void countsByStatusAndRiskAndTheEnvironmentFilter() {
		String owner = uniqueName("counter") + "@example.com";
		Agent prod = register("count-prod", owner);
		Agent low = this.registry
			.register(TestAgents.profile("count-low", owner, RiskLevel.LOW), NewKey.generate(), ADMIN)
			.agent();
		Agent critical = this.registry
			.register(TestAgents.profile("count-critical", owner, RiskLevel.CRITICAL), NewKey.generate(), ADMIN)
			.agent();
		Agent retired = this.registry
			.register(TestAgents.profile("count-retired", owner, RiskLevel.HIGH), NewKey.generate(), ADMIN)
			.agent();
		this.registry.suspend(low.id(), "test", ADMIN);
		this.registry.retire(retired.id(), "test", ADMIN);

		AgentCounts counts = this.registry.counts(owner.toUpperCase());
		assertThat(counts.active()).isEqualTo(2);
		assertThat(counts.suspended()).isEqualTo(1);
		assertThat(counts.retired()).isEqualTo(1);
		assertThat(counts.atRisk(RiskLevel.MEDIUM)).isEqualTo(1);
		assertThat(counts.atRisk(RiskLevel.LOW)).isEqualTo(1);
		assertThat(counts.atRisk(RiskLevel.CRITICAL)).isEqualTo(1);
		// retired agents count by status only
		assertThat(counts.atRisk(RiskLevel.HIGH)).isZero();
		assertThat(this.registry.counts(null).active()).isGreaterThanOrEqualTo(2);

		assertThat(this.registry.list(AgentFilter.of(owner, null, null, null, null, "dev"), null, 50).items())
			.extracting(Agent::id)
			.containsExactly(low.id(), critical.id(), retired.id());
		assertThat(this.registry.list(AgentFilter.of(owner, null, null, null, null, "prod"), null, 50).items())
			.extracting(Agent::id)
			.containsExactly(prod.id());
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentFilter.of(null, null, null, null, null, "moon"))
			.withMessageStartingWith("environment:");
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
	void updateMakesVersionsAndKeepsEveryOne() {
		Agent agent = register(uniqueName("patch"), "owner@example.com");
		Agent v2 = this.registry.update(agent.id(),
				(current) -> TestAgents.edit(current).team("payments").role(null).build(), 1L, ADMIN);
		assertThat(v2.version()).isEqualTo(2);
		assertThat(v2.profile().team()).isEqualTo("payments");
		assertThat(v2.profile().role()).isNull();
		assertThat(v2.profile().platform()).isEqualTo("langchain");
		Agent v3 = this.registry.update(agent.id(),
				(current) -> TestAgents.edit(current)
					.tokenPolicy(new TokenPolicy(900, 7200, 3))
					.owner("next@example.com")
					.build(),
				null, ADMIN);
		assertThat(v3.version()).isEqualTo(3);
		assertThat(v3.tokenPolicy()).isEqualTo(new TokenPolicy(900, 7200, 3));
		assertThat(v3.owner()).isEqualTo("next@example.com");

		AgentUpdated transfer = this.events.of(AgentUpdated.class).get(1);
		assertThat(transfer.ownerTransferred()).isTrue();
		assertThat(transfer.changedFields()).containsExactly("owner", "tokenPolicy");
		assertThat(transfer.auditEntry().details()).containsEntry("ownerTransfer",
				Map.of("from", "owner@example.com", "to", "next@example.com"));
		assertThat(this.events.of(AgentUpdated.class).get(0).auditEntry().details()).doesNotContainKey("ownerTransfer");

		Page<AgentVersion> versions = this.registry.versions(agent.id(), null, 2);
		assertThat(versions.items()).extracting(AgentVersion::version).containsExactly(3L, 2L);
		Page<AgentVersion> rest = this.registry.versions(agent.id(), versions.nextCursor(), 2);
		assertThat(rest.items()).extracting(AgentVersion::version).containsExactly(1L);
		assertThat(rest.nextCursor()).isNull();
		assertThat(rest.items().get(0).profile().team()).isEqualTo("support");
		assertThat(rest.items().get(0).profile().owner()).isEqualTo("owner@example.com");
		assertThat(versions.items().get(1).profile()).isEqualTo(v2.profile());
		assertThat(versions.items().get(0).profile()).isEqualTo(v3.profile());
	}

	@Test
	void updateThatChangesNothingMakesNoVersion() {
		Agent agent = register(uniqueName("noop"), "owner@example.com");
		assertThat(this.registry
			.update(agent.id(), (current) -> TestAgents.edit(current).team("support").build(), null, ADMIN)
			.version()).isEqualTo(1);
		assertThat(this.events.of(AgentUpdated.class)).isEmpty();
	}

	@Test
	void rejectedUpdateChangesNothing() {
		// a patch naming a server-set or unknown field, or that is no object, is refused
		// by the admin API before it reaches the registry (AgentPatchTests in idp-app)
		Agent agent = register(uniqueName("bad-patch"), "owner@example.com");
		Map<String, Long> before = counts();
		for (UnaryOperator<AgentProfile> change : List.<UnaryOperator<AgentProfile>>of(
				(current) -> TestAgents.edit(current).owner("nope").build(),
				(current) -> TestAgents.edit(current).tokenPolicy(new TokenPolicy(900, 90_000, 3)).build(),
				(current) -> TestAgents.edit(current).addCapability("idp:admin", RiskLevel.LOW).build(), (current) -> {
					throw new InvalidInputException("capabilities", "is required: at least one capability");
				})) {
			assertThatExceptionOfType(InvalidInputException.class)
				.isThrownBy(() -> this.registry.update(agent.id(), change, null, ADMIN));
		}
		assertThatExceptionOfType(AgentVersionMismatchException.class).isThrownBy(() -> this.registry.update(agent.id(),
				(current) -> TestAgents.edit(current).team("x").build(), 7L, ADMIN));
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
				(current) -> TestAgents.edit(current).owner("first@example.com").build(), null, ADMIN));
	}

	@Test
	void unknownAgentIsNotFound() {
		AgentId id = AgentId.random();
		assertThat(this.registry.findAgent(id)).isEmpty();
		assertThat(this.registry.isActiveWithAncestors(id)).isFalse();
		assertThat(this.registry.activeKeys(id)).isEmpty();
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> this.registry.suspend(id, null, ADMIN));
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> this.registry.update(id, (current) -> current, null, ADMIN));
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
		assertThat(this.registry.versions(agent.id(), null, 50).items()).extracting(AgentVersion::status)
			.containsExactly(AgentStatus.RETIRED, AgentStatus.ACTIVE, AgentStatus.SUSPENDED, AgentStatus.ACTIVE);
	}

	@Test
	void reasonIsChecked() {
		// the body's shape is the admin API's (ReasonRequestTests in idp-app); its rule
		// is
		// the registry's
		Agent agent = register(uniqueName("reason"), "owner@example.com");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.suspend(agent.id(), "r".repeat(513), ADMIN))
			.withMessage("reason: must be at most 512 characters");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.suspend(agent.id(), "a\u0000b", ADMIN))
			.withMessage("reason: must not contain control characters");
		assertThat(this.registry.suspend(agent.id(), "why\n\tindented", ADMIN).status())
			.isEqualTo(AgentStatus.SUSPENDED);
	}

	@Test
	void keyRotationWithGrace() {
		Agent agent = register(uniqueName("rotate"), "owner@example.com");
		String oldKid = agent.keys().get(0).kid();
		AgentRegistration added = this.registry.addKey(agent.id(), NewKey.parse(TestAgents.ed25519PublicJwk()), ADMIN);
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
		assertThat(this.registry.currentVersion(this.registry.getAgent(agent.id())).keys().get(0).status())
			.isEqualTo(KeyStatus.REVOKED);
		assertThat(this.registry.getAgent(agent.id()).keys().get(0).status()).as("as stored")
			.isEqualTo(KeyStatus.RETIRING);

		Map<String, Long> before = counts();
		assertThatIllegalStateException().isThrownBy(() -> this.registry.retireKey(agent.id(), newKid, 0, false, ADMIN))
			.withMessageContaining("last active key");
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> this.registry.retireKey(agent.id(), "unknown", 0, false, ADMIN));
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.registry.retireKey(agent.id(), newKid, -1, false, ADMIN))
			.withMessageStartingWith("graceSeconds:");
		assertThatIllegalStateException().isThrownBy(() -> this.registry.addKey(agent.id(),
				NewKey.parse(added.agent().keys().get(1).jwk().toJSONString()), ADMIN));
		assertThat(counts()).isEqualTo(before);

		AgentRegistration generated = this.registry.addKey(agent.id(), NewKey.generate(), ADMIN);
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
				(current) -> TestAgents.edit(current).owner("other@example.com").build(), null, ADMIN));

		this.registry.suspend(parent.id(), null, ADMIN);
		assertThat(this.registry.isActiveWithAncestors(sub.id())).isFalse();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.registry.registerSubAgent(parent.id(), "late", Set.of("crm:read"), null, "x"));
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void noResponseVersionOrLogLineCarriesPrivateKeyMaterial(CapturedOutput output) {
		AgentRegistration registration = this.registry
			.register(TestAgents.profile(uniqueName("secret"), "a@example.com"), NewKey.generate(), ADMIN);
		String d = registration.privateJwk().get("d").toString();
		assertThat(this.registry.currentVersion(registration.agent()).toString()).doesNotContain(d);
		assertThat(registration.toString()).doesNotContain(d);
		assertThat(this.registry.versions(registration.agent().id(), null, 10).items().toString()).doesNotContain(d);
		AgentRegistration added = this.registry.addKey(registration.agent().id(), NewKey.generate(), ADMIN);
		assertThat(output.getAll()).doesNotContain(d).doesNotContain(added.privateJwk().get("d").toString());
	}

}
