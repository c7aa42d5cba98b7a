package dev.agentidp.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The module dependencies of CONTRIBUTING.md "Where things live", enforced: audit depends
 * on no other module; registry → audit; tokens → registry, audit; delegation → tokens,
 * registry, audit; app → all. No cycles.
 */
class ModuleBoundariesTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.agentidp");

	@Test
	void modulesDependOnlyOnWhatDesignAllows() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("audit")
			.definedBy("dev.agentidp.audit..")
			.layer("registry")
			.definedBy("dev.agentidp.registry..")
			.layer("tokens")
			.definedBy("dev.agentidp.tokens..")
			.layer("delegation")
			.definedBy("dev.agentidp.delegation..")
			.layer("app")
			.definedBy("dev.agentidp.app..")
			.whereLayer("app")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("delegation")
			.mayOnlyBeAccessedByLayers("app")
			.whereLayer("tokens")
			.mayOnlyBeAccessedByLayers("delegation", "app")
			.whereLayer("registry")
			.mayOnlyBeAccessedByLayers("tokens", "delegation", "app")
			.whereLayer("audit")
			.mayOnlyBeAccessedByLayers("registry", "tokens", "delegation", "app")
			.check(CLASSES);
	}

	@Test
	void modulesAreFreeOfCycles() {
		slices().matching("dev.agentidp.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void nothingOutsideAModuleReachesItsInternals() {
		com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
			.that()
			.resideOutsideOfPackages("dev.agentidp.audit..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.agentidp.audit.internal..")
			.allowEmptyShould(true)
			.check(CLASSES);
		com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
			.that()
			.resideOutsideOfPackages("dev.agentidp.registry..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.agentidp.registry.internal..")
			.allowEmptyShould(true)
			.check(CLASSES);
		com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
			.that()
			.resideOutsideOfPackages("dev.agentidp.tokens..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.agentidp.tokens.internal..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

}
