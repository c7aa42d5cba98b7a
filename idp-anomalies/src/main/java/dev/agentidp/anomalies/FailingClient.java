package dev.agentidp.anomalies;

import java.time.Instant;

/**
 * A client whose authentications fail (the failing-authentication report), counted across
 * nodes by the token endpoint.
 *
 * @param clientId the client (an agent's id for an agent)
 * @param failures failed authentications since its count last started again
 * @param sources from how many source addresses
 * @param lastFailure the latest
 */
public record FailingClient(String clientId, long failures, long sources, Instant lastFailure) {

}
