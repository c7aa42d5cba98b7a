package dev.agentidp.app;

import java.util.List;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries, enforced by rules that can fail (issue 15, item 7), each also
 * run against a fixture that breaks it ({@code fixture.boundaries} in the test classes),
 * so that a rule that can no longer fail is itself a failure:
 * <ul>
 * <li>module dependencies (CONTRIBUTING.md, "Where things live"): audit and dpop depend
 * on no other module; registry → audit; tokens → registry, audit, dpop; delegation →
 * tokens, registry, audit, approvals (its value types); approvals → tokens, registry,
 * audit, dpop; policy → approvals, tokens, registry, audit, dpop; anomalies → policy,
 * approvals (its value types), tokens, registry, audit; signals → tokens, registry,
 * audit; console → anomalies, signals, approvals, registry, tokens, audit; app → all; no
 * cycles;</li>
 * <li>the domain modules' public methods take and return no JSON tree or servlet type,
 * except the web seams Spring Security defines ({@link AuthenticationConverter},
 * {@link AuthenticationFailureHandler}); the admin API binds and renders its JSON in
 * idp-app (issue 15, item 1, removed the registry's JSON binding, the last exception to
 * this rule);</li>
 * <li>no {@code @Value} in a domain module: settings reach a module through its
 * {@code @Validated} properties record, or from the application's beans;</li>
 * <li>a domain module's public types are its facade, the kit other modules build on,
 * events, value types (records, enums), extension points (interfaces) and exceptions: any
 * other public class must be named below, so that widening the surface is a visible
 * decision.</li>
 * </ul>
 */
class ModuleBoundariesTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.agentidp");

	private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("fixture.boundaries");

	private static final List<String> DOMAIN_MODULES = List.of("dev.agentidp.audit..", "dev.agentidp.dpop..",
			"dev.agentidp.registry..", "dev.agentidp.tokens..", "dev.agentidp.delegation..", "dev.agentidp.approvals..",
			"dev.agentidp.policy..", "dev.agentidp.anomalies..", "dev.agentidp.signals..",
			"dev.agentidp.resourceserver..", "dev.agentidp.console..");

	/**
	 * The public classes of the domain modules that are not records, enums, interfaces or
	 * exceptions: each module's facade and the kit other modules build on.
	 */
	private static final Set<String> FACADES_AND_KITS = Set.of(
			// idp-audit: the trail, the refusal counters and the request's source
			"dev.agentidp.audit.AuditTrail", "dev.agentidp.audit.Refusals", "dev.agentidp.audit.RefusalLog",
			"dev.agentidp.audit.RequestSource", "dev.agentidp.audit.PrintableText",
			// idp-registry: the two registries, the agent aggregate, secrets
			"dev.agentidp.registry.AgentRegistry", "dev.agentidp.registry.ClientRegistry",
			"dev.agentidp.registry.Agent", "dev.agentidp.registry.ClientSecrets",
			// idp-registry: the key command, and the predicates the admin API's request
			// records share with the registry's own invariants (one rule, one place)
			"dev.agentidp.registry.NewKey", "dev.agentidp.registry.Names", "dev.agentidp.registry.Emails",
			"dev.agentidp.registry.Scopes",
			// idp-tokens: the facade, the signing keys, and the kit a grant module uses
			"dev.agentidp.tokens.TokenService", "dev.agentidp.tokens.SigningKeys",
			"dev.agentidp.tokens.SigningKeyCipher", "dev.agentidp.tokens.AccessTokenMinter",
			"dev.agentidp.tokens.OAuthParameters", "dev.agentidp.tokens.AuthenticatingKey",
			"dev.agentidp.tokens.RegistryClients", "dev.agentidp.tokens.JoseVerifiers",
			// idp-tokens: the one rule of which addresses outbound calls may reach
			"dev.agentidp.tokens.PublicAddresses",
			// idp-tokens: the attestation check every grant that issues to an agent
			// applies
			"dev.agentidp.tokens.ClientAttestations", "dev.agentidp.tokens.TokenRequestProofs",
			"dev.agentidp.tokens.ProofOfPossessionRule",
			// idp-tokens: client authentication for chains outside the authorization
			// server
			"dev.agentidp.tokens.ClientAuthentication",
			// idp-tokens: the trusted issuers of workload identity federation, and the
			// registry's rules of a workload identity they share
			"dev.agentidp.tokens.TrustedIssuers", "dev.agentidp.registry.WorkloadIdentities",
			// idp-approvals: the facade, and the backchannel endpoint the application's
			// security chain applies
			"dev.agentidp.approvals.Approvals", "dev.agentidp.approvals.BackchannelEndpoint",
			// idp-policy: the decision point and its AuthZEN metadata
			"dev.agentidp.policy.PolicyDecisionPoint", "dev.agentidp.policy.AuthZenMetadata",
			// idp-anomalies: the anomalies (list, clear, step-up) and the reports
			"dev.agentidp.anomalies.Anomalies", "dev.agentidp.anomalies.AnomalyReports",
			// idp-signals: the webhook subscriptions and the SSF transmitter
			"dev.agentidp.signals.Webhooks", "dev.agentidp.signals.SharedSignals",
			// idp-console: people and their accounts
			"dev.agentidp.console.People",
			// idp-console: the kit the admin API uses to accept a console session
			"dev.agentidp.console.ConsoleSessions",
			// idp-dpop: the proof verifier, and the ES256 verification (and its P-256
			// arithmetic) the provider's token paths and the kit share with it
			"dev.agentidp.dpop.DpopProofVerifier", "dev.agentidp.dpop.Es256Verifier", "dev.agentidp.dpop.P256",
			// idp-resource-server, a Spring Boot starter: its auto-configuration (Boot
			// needs it public), the configurer an application with its own security
			// chain applies, the authentication handlers and tools read, and the MCP
			// SDK kit; its seams are interfaces, its values records
			"dev.agentidp.resourceserver.ResourceServerAutoConfiguration",
			"dev.agentidp.resourceserver.AgentIdpResourceServerConfigurer",
			"dev.agentidp.resourceserver.AgentAuthentication", "dev.agentidp.resourceserver.mcp.McpAccess");

	@Test
	void modulesDependOnlyOnWhatTheDesignAllows() {
		moduleLayers().check(CLASSES);
	}

	@Test
	void modulesAreFreeOfCycles() {
		slices().matching("dev.agentidp.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void domainModulesExposeNoJsonTreeOrServletType() {
		noJsonTreeOrServletTypeInPublicMethods().check(CLASSES);
	}

	@Test
	void domainModulesReadNoSettingWithValue() {
		noValueAnnotation().check(CLASSES);
	}

	@Test
	void domainModulesArePublicOnlyInTheirFacadeEventsValueTypesAndExceptions() {
		publicSurface().check(CLASSES);
	}

	@Test
	void theListedFacadesArePublicClassesSoThatTheListCanOnlyShrink() {
		for (String name : FACADES_AND_KITS) {
			assertThat(CLASSES.contain(name)).as(name).isTrue();
			JavaClass facade = CLASSES.get(name);
			assertThat(facade.getModifiers()).as(name).contains(JavaModifier.PUBLIC);
			assertThat(facade.isRecord() || facade.isEnum() || facade.isInterface()
					|| facade.isAssignableTo(Throwable.class))
				.as("%s needs no listing", name)
				.isFalse();
		}
	}

	@Test
	void everyRuleFailsOnAFixtureThatBreaksIt() {
		// the fixture's "tokens" class reaches into its "app" layer, and exposes a
		// JsonNode and an HttpServletRequest
		EvaluationResult layers = moduleLayers().evaluate(FIXTURE);
		assertThat(layers.hasViolation()).as("module layers on the fixture").isTrue();
		EvaluationResult types = noJsonTreeOrServletTypeInPublicMethods().evaluate(FIXTURE);
		assertThat(types.getFailureReport().getDetails()).as("JSON and servlet types on the fixture").hasSize(2);
		// it reads a setting with @Value, and is a public class that is no facade
		assertThat(noValueAnnotation().evaluate(FIXTURE).getFailureReport().getDetails()).as("@Value on the fixture")
			.hasSize(1);
		assertThat(publicSurface().evaluate(FIXTURE).getFailureReport().getDetails())
			.as("public surface on the fixture")
			.hasSize(1);
	}

	private static String[] domainPackages() {
		List<String> modules = new java.util.ArrayList<>(DOMAIN_MODULES);
		modules.add("fixture.boundaries.tokens..");
		return modules.toArray(String[]::new);
	}

	private static ArchRule noValueAnnotation() {
		return classes().that()
			.resideInAnyPackage(domainPackages())
			.should(new ArchCondition<>("read no setting with @Value") {

				@Override
				public void check(JavaClass javaClass, ConditionEvents events) {
					javaClass.getFields()
						.stream()
						.filter((field) -> field.isAnnotatedWith(Value.class))
						.forEach((field) -> events
							.add(SimpleConditionEvent.violated(field, field.getFullName() + " is @Value")));
					javaClass.getCodeUnits()
						.stream()
						.filter((unit) -> unit.isAnnotatedWith(Value.class) || unit.getParameters()
							.stream()
							.anyMatch((parameter) -> parameter.isAnnotatedWith(Value.class)))
						.forEach((unit) -> events.add(SimpleConditionEvent.violated(unit,
								unit.getFullName() + " reads a setting with @Value")));
				}

			})
			.allowEmptyShould(false);
	}

	private static ArchRule publicSurface() {
		return classes().that()
			.resideInAnyPackage(domainPackages())
			.and()
			.arePublic()
			.and()
			.areTopLevelClasses()
			.should(new ArchCondition<>("be a facade or kit listed, a record, an enum, an interface or an exception") {

				@Override
				public void check(JavaClass javaClass, ConditionEvents events) {
					boolean allowed = javaClass.isRecord() || javaClass.isEnum() || javaClass.isInterface()
							|| javaClass.isAssignableTo(Throwable.class)
							|| FACADES_AND_KITS.contains(javaClass.getName());
					if (!allowed) {
						events.add(SimpleConditionEvent.violated(javaClass, javaClass.getName()
								+ " is public but neither a listed facade or kit nor a record, enum, interface or exception"));
					}
				}

			})
			.allowEmptyShould(false);
	}

	private static ArchRule moduleLayers() {
		return layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("audit")
			.definedBy("dev.agentidp.audit..", "fixture.boundaries.audit..")
			.layer("dpop")
			.definedBy("dev.agentidp.dpop..")
			.layer("registry")
			.definedBy("dev.agentidp.registry..")
			.layer("tokens")
			.definedBy("dev.agentidp.tokens..", "fixture.boundaries.tokens..")
			.layer("delegation")
			.definedBy("dev.agentidp.delegation..")
			.layer("approvals")
			.definedBy("dev.agentidp.approvals..")
			.layer("policy")
			.definedBy("dev.agentidp.policy..")
			.layer("anomalies")
			.definedBy("dev.agentidp.anomalies..")
			.layer("signals")
			.definedBy("dev.agentidp.signals..")
			.layer("resourceserver")
			.definedBy("dev.agentidp.resourceserver..")
			.layer("console")
			.definedBy("dev.agentidp.console..")
			.layer("app")
			.definedBy("dev.agentidp.app..", "fixture.boundaries.app..")
			.whereLayer("app")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("resourceserver")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("console")
			.mayOnlyBeAccessedByLayers("app")
			.whereLayer("delegation")
			.mayOnlyBeAccessedByLayers("app")
			.whereLayer("anomalies")
			.mayOnlyBeAccessedByLayers("console", "app")
			.whereLayer("policy")
			.mayOnlyBeAccessedByLayers("anomalies", "app")
			.whereLayer("signals")
			.mayOnlyBeAccessedByLayers("console", "app")
			.whereLayer("approvals")
			.mayOnlyBeAccessedByLayers("delegation", "policy", "anomalies", "console", "app")
			.whereLayer("tokens")
			.mayOnlyBeAccessedByLayers("delegation", "approvals", "policy", "anomalies", "signals", "console", "app")
			.whereLayer("registry")
			.mayOnlyBeAccessedByLayers("tokens", "delegation", "approvals", "policy", "anomalies", "signals", "console",
					"app")
			.whereLayer("audit")
			.mayOnlyBeAccessedByLayers("registry", "tokens", "delegation", "approvals", "policy", "anomalies",
					"signals", "console", "app")
			.whereLayer("dpop")
			.mayOnlyBeAccessedByLayers("tokens", "delegation", "approvals", "policy", "app", "resourceserver");
	}

	private static ArchRule noJsonTreeOrServletTypeInPublicMethods() {
		return methods().that()
			.arePublic()
			.and()
			.areDeclaredInClassesThat()
			.arePublic()
			.and()
			.areDeclaredInClassesThat()
			.resideInAnyPackage(domainPackages())
			.and()
			.areDeclaredInClassesThat(webSeams())
			.should(takeAndReturnNoJsonTreeOrServletType())
			.allowEmptyShould(false);
	}

	private static DescribedPredicate<JavaClass> webSeams() {
		return DescribedPredicate.describe("are not Spring Security web seams",
				(javaClass) -> !javaClass.isAssignableTo(AuthenticationConverter.class)
						&& !javaClass.isAssignableTo(AuthenticationFailureHandler.class));
	}

	private static ArchCondition<JavaMethod> takeAndReturnNoJsonTreeOrServletType() {
		return new ArchCondition<>("take and return no JSON tree or servlet type") {

			@Override
			public void check(JavaMethod method, ConditionEvents events) {
				boolean violates = forbidden(method.getRawReturnType())
						|| method.getRawParameterTypes().stream().anyMatch(ModuleBoundariesTests::forbidden);
				if (violates) {
					events.add(SimpleConditionEvent.violated(method,
							method.getFullName() + " takes or returns a JSON tree or servlet type"));
				}
			}

		};
	}

	private static boolean forbidden(JavaClass type) {
		String name = type.getName();
		return name.startsWith("tools.jackson.databind.") || name.startsWith("com.fasterxml.jackson.databind.")
				|| name.startsWith("jakarta.servlet.");
	}

}
