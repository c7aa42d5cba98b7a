package dev.agentidp.app;

import java.util.List;

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
 * registry, audit; app → all; no cycles;</li>
 * <li>the domain modules' public methods take and return no JSON tree or servlet type,
 * except the web seams Spring Security defines ({@link AuthenticationConverter},
 * {@link AuthenticationFailureHandler}); the admin API binds and renders its JSON in
 * idp-app (issue 15, item 1, removed the registry's JSON binding, the last exception to
 * this rule).</li>
 * </ul>
 */
class ModuleBoundariesTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.agentidp");

	private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("fixture.boundaries");

	private static final List<String> DOMAIN_MODULES = List.of("dev.agentidp.audit..", "dev.agentidp.registry..",
			"dev.agentidp.tokens..", "dev.agentidp.delegation..");

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
			.layer("app")
			.definedBy("dev.agentidp.app..", "fixture.boundaries.app..")
			.whereLayer("app")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("delegation")
			.mayOnlyBeAccessedByLayers("app")
			.whereLayer("tokens")
			.mayOnlyBeAccessedByLayers("delegation", "app")
			.whereLayer("registry")
			.mayOnlyBeAccessedByLayers("tokens", "delegation", "app")
			.whereLayer("audit")
			.mayOnlyBeAccessedByLayers("registry", "tokens", "delegation", "app");
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
