package dev.agentidp.app.console;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.util.HtmlUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity page's charts over plain HTTP (issue 18, "Charts"): the current hour's
 * columns count the tokens issued and the denials just made, the denial's reason has its
 * bar, the agents by risk count the new agent; admins and auditors only.
 */
class ConsoleActivityTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "activity-tests-password-0123";

	private static final Pattern COLUMN = Pattern.compile("data-hour=\"([0-9:]+)\" data-value=\"([0-9]+)\"");

	@Autowired
	private People people;

	@Test
	void theChartsCountTheTokensAndDenialsOfThisHourAndTheAgentsByRisk() {
		Person auditor = person(Set.of(Person.AUDITOR));
		// the admin client's own token is issued here, before the counts are read
		TestAgents agents = agents();
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(auditor.username(), PASSWORD);
		HttpResponse<String> before = session.get("/console/activity");
		assertThat(before.statusCode()).isEqualTo(200);
		long highBefore = value(before.body(), "data-risk=\"critical\"");

		TestAgent agent = agents.document("activity").scope("payments:refund", "critical").register();
		agent.token(http(), "payments:refund");
		agent.token(http(), "payments:refund");
		// a scope outside the agent's capabilities: invalid_scope, a denial
		HttpResponse<String> refused = http().postForm("/oauth2/token", agent.tokenForm("payments:everything"));
		assertThat(refused.statusCode()).isEqualTo(400);

		HttpResponse<String> after = session.get("/console/activity");
		String[] issuedBefore = lastColumn(before.body(), "chart-issued");
		String[] issuedAfter = lastColumn(after.body(), "chart-issued");
		String[] deniedBefore = lastColumn(before.body(), "chart-denials");
		String[] deniedAfter = lastColumn(after.body(), "chart-denials");
		if (issuedBefore[0].equals(issuedAfter[0])) {
			assertThat(Long.parseLong(issuedAfter[1])).isEqualTo(Long.parseLong(issuedBefore[1]) + 2);
			assertThat(Long.parseLong(deniedAfter[1])).isGreaterThanOrEqualTo(Long.parseLong(deniedBefore[1]) + 1);
		}
		else {
			// the hour turned between the two pages
			assertThat(Long.parseLong(issuedAfter[1])).isGreaterThanOrEqualTo(2);
		}
		String reason = this.jdbc
			.sql("SELECT reason FROM audit_record WHERE chain = ? AND decision = 'deny' ORDER BY seq DESC LIMIT 1")
			.param(agent.id())
			.query(String.class)
			.single();
		// the ten most frequent reasons of the day: this one, unless the shared database
		// already holds ten that are at least as frequent (a whole suite's denials)
		long shownReasons = after.body().split("data-reason=\"", -1).length - 1;
		if (!after.body().contains("data-reason=\"" + HtmlUtils.htmlEscape(reason) + "\"")) {
			assertThat(shownReasons).as("a reason left out only when ten others fill the chart").isEqualTo(10);
		}
		assertThat(shownReasons).isBetween(1L, 10L);
		assertThat(value(after.body(), "data-risk=\"critical\"")).isEqualTo(highBefore + 1);
		assertThat(after.body()).contains("<svg id=\"chart-issued\"").doesNotContain("<script");
	}

	@Test
	void anOwnerIsRefusedTheActivityPage() {
		Person owner = person(Set.of(Person.OWNER));
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(owner.username(), PASSWORD);
		assertThat(session.get("/console/activity").statusCode()).isEqualTo(403);
		assertThat(session.get("/console").body()).doesNotContain("nav-activity");
	}

	/** The hour and value of a chart's last column. */
	private static String[] lastColumn(String body, String chart) {
		String rest = body.substring(body.indexOf("id=\"" + chart + "\""));
		Matcher matcher = COLUMN.matcher(rest.substring(0, rest.indexOf("</svg>")));
		String[] last = null;
		int columns = 0;
		while (matcher.find()) {
			last = new String[] { matcher.group(1), matcher.group(2) };
			columns++;
		}
		assertThat(columns).as(chart).isEqualTo(24);
		return last;
	}

	private static long value(String body, String attribute) {
		Matcher matcher = Pattern.compile(Pattern.quote(attribute) + " data-value=\"([0-9]+)\"").matcher(body);
		assertThat(matcher.find()).as(attribute).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private Person person(Set<String> roles) {
		String name = "act-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

	private TestAgents agents() {
		return new TestAgents(http(), admin().token(), http().baseUrl());
	}

}
