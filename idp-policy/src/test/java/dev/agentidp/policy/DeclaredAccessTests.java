package dev.agentidp.policy;

import dev.agentidp.registry.HumanOversight;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the rules read of a document: declared resources and actions, in order.
 */
class DeclaredAccessTests {

	@Test
	void declaresWhenAskedThenOnlyWhatTheDocumentLists() {
		DeclaredAccess declared = Attempts.declared(HumanOversight.NONE);
		assertThat(declared.declares(ResourceType.TOOL, "github", "create_pr")).isTrue();
		assertThat(declared.declares(ResourceType.TOOL, "github", "delete")).isFalse();
		assertThat(declared.declares(ResourceType.DATA, "crm.customers", "read")).isTrue();
		assertThat(declared.declares(ResourceType.DATA, "crm.customers", "write")).isFalse();
		assertThat(declared.resources(ResourceType.TOOL)).containsExactly("github");
		assertThat(declared.actions(ResourceType.TOOL, "github")).containsExactly("create_pr", "merge");
		assertThat(declared.actions(ResourceType.DATA, "crm.customers")).containsExactly("read");
	}

}
