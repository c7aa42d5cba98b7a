package dev.agentidp.app.policy;

import java.math.BigDecimal;
import java.util.Map;

import dev.agentidp.app.policy.AccessEvaluationBodies.ActionSearch;
import dev.agentidp.app.policy.AccessEvaluationBodies.Evaluation;
import dev.agentidp.app.policy.AccessEvaluationBodies.Options;
import dev.agentidp.app.policy.AccessEvaluationBodies.Reading;
import dev.agentidp.app.policy.AccessEvaluationBodies.ResourceSearch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The rules of the AuthZEN request objects ({@link AccessEvaluationBodies.Reading}):
 * every member's rule with its message, the shape's faults at the first one in document
 * order, and the smallest path first among the members' rules.
 */
class AccessEvaluationBodiesTests {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private static final String SUBJECT = "\"subject\":{\"type\":\"agent\",\"id\":\"a-1\",\"properties\":{\"token\":\"t\"}}";

	private static final String VALID = "{" + SUBJECT
			+ ",\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"data\",\"id\":\"crm\"}}";

	@Test
	void aValidEvaluationIsReadWithEveryMember() {
		Evaluation evaluation = evaluation("{" + SUBJECT
				+ ",\"action\":{\"name\":\"create_pr\"},\"resource\":{\"type\":\"tool\",\"id\":\"github\",\"properties\":"
				+ "{\"repo\":\"acme/app\",\"n\":1.5}},\"context\":{\"cost\":0.02,\"arguments\":{\"title\":\"Fix\"}}}");
		assertThat(evaluation.subject().id()).isEqualTo("a-1");
		assertThat(evaluation.subject().properties().token()).isEqualTo("t");
		assertThat(evaluation.action().name()).isEqualTo("create_pr");
		assertThat(evaluation.resource().properties()).containsEntry("repo", "acme/app")
			.containsEntry("n", new BigDecimal("1.5"));
		assertThat(evaluation.context().cost()).isEqualByComparingTo("0.02");
		assertThat(evaluation.context().arguments()).isEqualTo(Map.of("title", "Fix"));
		assertThat(evaluation(VALID).context()).isNull();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			// the members' rules
			"{\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"data\",\"id\":\"crm\"}}|subject: must not be null",
			"{SUBJECT,\"resource\":{\"type\":\"data\",\"id\":\"crm\"}}|action: must not be null",
			"{SUBJECT,\"action\":null,\"resource\":{\"type\":\"data\",\"id\":\"crm\"}}|action: must not be null",
			"{SUBJECT,\"action\":{\"name\":\"read\"}}|resource: must not be null",
			"{\"subject\":{\"type\":\"user\",\"id\":\"a\",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.type: must be agent",
			"{\"subject\":{\"id\":\"a\",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.type: must not be null",
			"{\"subject\":{\"type\":\"agent\",\"id\":\" \",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.id: must not be blank",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"\",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.id: must not be blank",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\\u0007\",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.id: must be printable text",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\\u007f\",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.id: must be printable text",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\"},ACTION_RESOURCE}|subject.properties: must hold the agent's access token as token",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\",\"properties\":{}},ACTION_RESOURCE}|subject.properties.token: must be the agent's access token",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\",\"properties\":{\"token\":\"t\",\"htm\":\"\"}},ACTION_RESOURCE}|subject.properties.htm: must be printable text",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\",\"properties\":{\"token\":\"t\",\"htm\":\"GETGETGETGETGETGET\"}},ACTION_RESOURCE}|subject.properties.htm: size must be between 0 and 16",
			"{SUBJECT,\"action\":{\"name\":\"\"},\"resource\":{\"type\":\"data\",\"id\":\"crm\"}}|action.name: must not be blank",
			"{SUBJECT,\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"file\",\"id\":\"crm\"}}|resource.type: must be tool or data",
			"{SUBJECT,\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"data\",\"id\":\"\"}}|resource.id: must not be blank",
			"{SUBJECT,ACTION_RESOURCE,\"context\":{\"cost\":-1e-400}}|context.cost: must not be negative",
			"{SUBJECT,ACTION_RESOURCE,\"context\":{\"cost\":1000000000000.01}}|context.cost: must be at most 1e12",
			// the smallest path first
			"{\"subject\":{\"type\":\"user\",\"id\":\"\",\"properties\":{\"token\":\"t\"}},\"action\":{\"name\":\"\"},\"resource\":{\"type\":\"x\",\"id\":\"crm\"}}|action.name: must not be blank",
			"{\"subject\":{\"type\":\"user\",\"id\":\"\",\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.id: must not be blank",
			// the shape, at its first fault in document order
			"{SUBJECT,ACTION_RESOURCE,\"extra\":1}|extra: is not a member of the request (AuthZEN 1.0)",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\",\"properties\":{\"token\":\"t\",\"x\":1}},\"y\":2}|subject.properties.x: is not a member of the request (AuthZEN 1.0)",
			"{\"y\":2,\"subject\":{\"type\":\"agent\",\"id\":\"a\",\"properties\":{\"token\":\"t\",\"x\":1}}}|y: is not a member of the request (AuthZEN 1.0)",
			"{SUBJECT,ACTION_RESOURCE,\"context\":{\"cost\":\"1\"}}|context.cost: must be a number",
			"{SUBJECT,ACTION_RESOURCE,\"context\":{\"cost\":true}}|context.cost: must be a number",
			"{SUBJECT,ACTION_RESOURCE,\"context\":{\"arguments\":[1]}}|context.arguments: must be a JSON object",
			"{SUBJECT,ACTION_RESOURCE,\"context\":[]}|context: must be a JSON object",
			"{\"subject\":\"agent\",ACTION_RESOURCE}|subject: must be a JSON object",
			"{\"subject\":{\"type\":\"agent\",\"id\":7,\"properties\":{\"token\":\"t\"}},ACTION_RESOURCE}|subject.id: must be a string",
			"{\"subject\":{\"type\":\"agent\",\"id\":\"a\",\"properties\":{\"token\":{}}},ACTION_RESOURCE}|subject.properties.token: must be a string",
			// a fault of the shape wins over a member's rule before it
			"{\"subject\":{\"type\":\"user\",\"id\":\"a\",\"properties\":{\"token\":\"t\"}},\"action\":{\"name\":false}}|action.name: must be a string" })
	void aMalformedEvaluationIsRefusedWithItsFieldAndRule(String body, String refusal) {
		String json = body.replace("SUBJECT", SUBJECT)
			.replace("ACTION_RESOURCE",
					"\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"data\",\"id\":\"crm\"}");
		assertThatExceptionOfType(PolicyRequestException.class).isThrownBy(() -> evaluation(json)).withMessage(refusal);
	}

	@Test
	void aBatchItemsRefusalNamesItsPlaceInTheBatch() {
		assertThatExceptionOfType(PolicyRequestException.class)
			.isThrownBy(() -> new Reading("evaluations[3].", AccessEvaluationBodiesTests::map)
				.evaluation(tree(VALID.replace("\"crm\"", "\"\""))))
			.withMessage("evaluations[3].resource.id: must not be blank");
	}

	@Test
	void optionsAreOneOfTheThreeSemanticsAndAnObject() {
		assertThat(options("{\"evaluations_semantic\":\"deny_on_first_deny\"}").evaluations_semantic())
			.isEqualTo("deny_on_first_deny");
		assertThatExceptionOfType(PolicyRequestException.class)
			.isThrownBy(() -> options("{\"evaluations_semantic\":\"all\"}"))
			.withMessage("options.evaluations_semantic: "
					+ "must be execute_all, deny_on_first_deny or permit_on_first_permit");
		assertThatExceptionOfType(PolicyRequestException.class).isThrownBy(() -> options("null"))
			.withMessage("options: must be a JSON object");
		assertThatExceptionOfType(PolicyRequestException.class).isThrownBy(() -> options("{\"semantic\":1}"))
			.withMessage("options.semantic: is not a member of the request (AuthZEN 1.0)");
	}

	@Test
	void searchesReadTheirPageAndAResourceSearchNeedsOnlyTheResourceType() {
		ResourceSearch search = reading()
			.resourceSearch(tree("{" + SUBJECT + ",\"resource\":{\"type\":\"tool\"},\"page\":{\"limit\":500}}"));
		assertThat(search.resource().id()).isNull();
		assertThat(search.page().limit()).isEqualTo(500);
		ActionSearch actions = reading()
			.actionSearch(tree("{" + SUBJECT + ",\"resource\":{\"type\":\"tool\",\"id\":\"github\"}}"));
		assertThat(actions.resource().id()).isEqualTo("github");
		assertThat(refusal("{" + SUBJECT + ",\"resource\":{\"type\":\"tool\"},\"page\":{\"limit\":0}}"))
			.isEqualTo("page.limit: must be greater than or equal to 1");
		assertThat(refusal("{" + SUBJECT + ",\"resource\":{\"type\":\"tool\"},\"page\":{\"limit\":99999999999}}"))
			.isEqualTo("page.limit: must be less than or equal to 500");
		assertThat(refusal("{" + SUBJECT + ",\"resource\":{\"type\":\"tool\"},\"page\":{\"limit\":2.5}}"))
			.isEqualTo("page.limit: must be an integer");
		assertThat(refusal(
				"{" + SUBJECT + ",\"resource\":{\"type\":\"tool\"},\"page\":{\"token\":\"" + "x".repeat(65) + "\"}}"))
			.isEqualTo("page.token: size must be between 0 and 64");
		assertThatExceptionOfType(PolicyRequestException.class)
			.isThrownBy(() -> reading().actionSearch(tree("{" + SUBJECT + ",\"resource\":{\"type\":\"tool\"}}")))
			.withMessage("resource.id: must not be blank");
	}

	private static String refusal(String body) {
		try {
			reading().resourceSearch(tree(body));
			return null;
		}
		catch (PolicyRequestException ex) {
			return ex.getMessage();
		}
	}

	private static Evaluation evaluation(String body) {
		return reading().evaluation(tree(body));
	}

	private static Options options(String body) {
		return new Reading("options.", AccessEvaluationBodiesTests::map).options(tree(body));
	}

	private static Reading reading() {
		return new Reading("", AccessEvaluationBodiesTests::map);
	}

	private static JsonNode tree(String body) {
		return JSON.readTree(body);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(JsonNode node) {
		return JSON.treeToValue(node, Map.class);
	}

}
