package dev.agentidp.app;

import java.util.List;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries, enforced by rules that can fail (issue 15, item 7), each also
 * run against a fixture that breaks it ({@code fixture.boundaries} in the test classes),
 * so that a rule that can no longer fail is itself a failure:
 * <ul>
 * <li>module dependencies (CONTRIBUTING.md, "Where things live"): audit depends on no
 * other module; registry → audit; tokens → registry, audit; delegation → tokens,
 * registry, audit; policy → tokens, registry, audit; app → all; no cycles;</li>
 * <li>the domain modules' public methods take and return no JSON tree or servlet type,
 * except the web seams Spring Security defines ({@link AuthenticationConverter},
 * {@link AuthenticationFailureHandler}) and the admin API's JSON binding that issue 15,
 * item 1, moves to the edge (listed by name below, so that the list can only
 * shrink).</li>
 * </ul>
 */
class ModuleBoundariesTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.agentidp");

	private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("fixture.boundaries");

	private static final List<String> DOMAIN_MODULES = List.of("dev.agentidp.audit..", "dev.agentidp.registry..",
			"dev.agentidp.tokens..", "dev.agentidp.delegation..", "dev.agentidp.policy..");

	/**
	 * The registry's methods that still bind (or write) admin JSON themselves; issue 15,
	 * item 1, moves that binding to typed records in idp-app. Remove a name when its
	 * method goes.
	 */
	private static final Set<String> JSON_BINDING_ITEM_1_REMOVES = Set.of(
			"dev.agentidp.registry.AgentRegistry.register", "dev.agentidp.registry.AgentRegistry.update",
			"dev.agentidp.registry.AgentRegistry.versions", "dev.agentidp.registry.AgentRegistry.readReason",
			"dev.agentidp.registry.AgentRegistry.addKey", "dev.agentidp.registry.ClientRegistry.register",
			"dev.agentidp.registry.AgentRegistry.document", "dev.agentidp.registry.AgentDocuments.toJson",
			"dev.agentidp.registry.AgentDocuments.keyJson");

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
	void theJsonBindingExceptionsStillExistSoThatTheListCanOnlyShrink() {
		for (String name : JSON_BINDING_ITEM_1_REMOVES) {
			String owner = name.substring(0, name.lastIndexOf('.'));
			String method = name.substring(name.lastIndexOf('.') + 1);
			assertThat(CLASSES.get(owner).getMethods()).as(name)
				.anyMatch((candidate) -> candidate.getName().equals(method));
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
	}

	private static ArchRule moduleLayers() {
		return layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("audit")
			.definedBy("dev.agentidp.audit..", "fixture.boundaries.audit..")
			.layer("registry")
			.definedBy("dev.agentidp.registry..")
			.layer("tokens")
			.definedBy("dev.agentidp.tokens..", "fixture.boundaries.tokens..")
			.layer("delegation")
			.definedBy("dev.agentidp.delegation..")
			.layer("policy")
			.definedBy("dev.agentidp.policy..")
			.layer("app")
			.definedBy("dev.agentidp.app..", "fixture.boundaries.app..")
			.whereLayer("app")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("delegation")
			.mayOnlyBeAccessedByLayers("app")
			.whereLayer("policy")
			.mayOnlyBeAccessedByLayers("app")
			.whereLayer("tokens")
			.mayOnlyBeAccessedByLayers("delegation", "policy", "app")
			.whereLayer("registry")
			.mayOnlyBeAccessedByLayers("tokens", "delegation", "policy", "app")
			.whereLayer("audit")
			.mayOnlyBeAccessedByLayers("registry", "tokens", "delegation", "policy", "app");
	}

	private static ArchRule noJsonTreeOrServletTypeInPublicMethods() {
		List<String> modules = new java.util.ArrayList<>(DOMAIN_MODULES);
		modules.add("fixture.boundaries.tokens..");
		return methods().that()
			.arePublic()
			.and()
			.areDeclaredInClassesThat()
			.arePublic()
			.and()
			.areDeclaredInClassesThat()
			.resideInAnyPackage(modules.toArray(String[]::new))
			.and()
			.areDeclaredInClassesThat(webSeams())
			.and(notListed())
			.should(takeAndReturnNoJsonTreeOrServletType())
			.allowEmptyShould(false);
	}

	private static DescribedPredicate<JavaClass> webSeams() {
		return DescribedPredicate.describe("are not Spring Security web seams",
				(javaClass) -> !javaClass.isAssignableTo(AuthenticationConverter.class)
						&& !javaClass.isAssignableTo(AuthenticationFailureHandler.class));
	}

	private static DescribedPredicate<JavaMethod> notListed() {
		return DescribedPredicate.describe("are not the JSON binding item 1 removes", (
				method) -> !JSON_BINDING_ITEM_1_REMOVES.contains(method.getOwner().getName() + "." + method.getName()));
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
