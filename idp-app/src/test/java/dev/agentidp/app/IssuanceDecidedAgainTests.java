package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.db.test.LockWaits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client credentials hold the agent in the statement that writes the token's row
 * ({@code AccessTokenMinter.mintHeld}). When the hold has to wait for a transaction that
 * changes the agent (a new version of its document) and answers the new version, the row
 * written for the old decision rolls back and the request is decided again on the new
 * document: one token, of the new version.
 */
class IssuanceDecidedAgainTests extends PolicyTestSupport {

	@Autowired
	DataSource dataSource;

	/** The change and the request, each on a thread of its own. */
	private final ExecutorService threads = Executors.newFixedThreadPool(2);

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void aTokenWhoseHoldWaitedForAChangeIsDecidedOnTheNewDocument() throws Exception {
		TestAgent agent = registerToolAgent("decided-again");
		UUID id = UUID.fromString(agent.id());
		CountDownLatch changed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// a change of the agent as the registry makes one, on a connection of its own:
		// issuance stopped, a new version, committed when released
		Future<?> change = this.threads.submit(() -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement stop = connection.prepareStatement("SELECT agent_stop_issuance(?)");
						PreparedStatement update = connection
							.prepareStatement("UPDATE agent SET version = version + 1 WHERE id = ?")) {
					stop.setObject(1, id);
					stop.executeQuery().close();
					update.setObject(1, id);
					update.executeUpdate();
				}
				changed.countDown();
				await(release);
				connection.commit();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(changed.await(30, TimeUnit.SECONDS)).isTrue();
		Future<HttpResponse<String>> issued = this.threads
			.submit(() -> this.http.postForm("/oauth2/token", null, null, agent.form("EdDSA", "github:create_pr")));
		LockWaits.awaitWaiting(this.dataSource, "INSERT INTO issued_token%RETURNING%", "the token row's hold");
		release.countDown();
		change.get(30, TimeUnit.SECONDS);
		HttpResponse<String> response = issued.get(30, TimeUnit.SECONDS);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode claims = TestHttp.part(TestHttp.json(response).get("access_token").asString(), 1);
		assertThat(claims.get("agent_version").asLong()).as("decided again on the new version").isEqualTo(2);
		assertThat(this.jdbc.sql("SELECT count(*) FROM issued_token WHERE agent_id = ?")
			.param(id)
			.query(Long.class)
			.single()).as("the row written for the first decision rolled back").isEqualTo(1);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
