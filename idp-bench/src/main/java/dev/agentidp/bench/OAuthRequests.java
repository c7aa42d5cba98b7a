package dev.agentidp.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The OAuth requests the benchmarks measure, of a server's registered agents, each over
 * the calling thread's keep-alive connection and with a fresh assertion:
 * client-credentials issuance, introspection by the resource server (HTTP Basic), RFC
 * 7009 revocation by the token's agent and, on the provider, RFC 8693 exchange to a
 * sub-agent. Endpoints and issuer are the server's: the provider's {@code /oauth2/*}, or
 * a Keycloak realm's.
 */
final class OAuthRequests {

	/**
	 * A server's issuer and OAuth endpoints.
	 *
	 * @param issuer the issuer, the audience of every assertion
	 * @param token the token endpoint's path
	 * @param introspection the introspection endpoint's path
	 * @param revocation the revocation endpoint's path
	 */
	record Endpoints(String issuer, String token, String introspection, String revocation) {

		/** The provider's, at its base URL. */
		static Endpoints provider(String baseUrl) {
			return new Endpoints(baseUrl, "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke");
		}

		/** A Keycloak realm's ({@code /realms/<realm>/protocol/openid-connect/...}). */
		static Endpoints keycloakRealm(String baseUrl, String realm) {
			String oidc = "/realms/" + realm + "/protocol/openid-connect";
			return new Endpoints(baseUrl + "/realms/" + realm, oidc + "/token", oidc + "/token/introspect",
					oidc + "/revoke");
		}

	}

	private final ProviderClient client;

	private final String issuer;

	private final String tokenPath;

	private final String introspectionPath;

	private final String revocationPath;

	private final String rsBasic;

	private final AgentCredentials[] agents;

	/**
	 * @param client the HTTP side
	 * @param endpoints the server's issuer and endpoints
	 * @param rsBasic the resource server's HTTP Basic {@code Authorization} value; never
	 * printed
	 * @param agents the registered agents
	 */
	OAuthRequests(ProviderClient client, Endpoints endpoints, String rsBasic, AgentCredentials[] agents) {
		this.client = client;
		this.issuer = endpoints.issuer();
		this.tokenPath = endpoints.token();
		this.introspectionPath = endpoints.introspection();
		this.revocationPath = endpoints.revocation();
		this.rsBasic = rsBasic;
		this.agents = agents;
	}

	/** A client-credentials request of the agent, for {@code crm:read}. */
	ProviderClient.Answer issue(int agent) throws IOException {
		return this.client.postForm(this.tokenPath, null, this.agents[agent].issuanceForm(this.issuer));
	}

	/**
	 * A client-credentials request of the agent, for {@code crm:read}, with a fresh DPoP
	 * proof (RFC 9449 §5): the answer is a DPoP-bound token.
	 * @param agent the agent's index
	 * @param es256 the agents' ES256 DPoP keys, or {@code null} for a proof by the
	 * agent's own Ed25519 key
	 * @return the answer
	 */
	ProviderClient.Answer issueDpop(int agent, Es256DpopKeys es256) throws IOException {
		AgentCredentials credentials = this.agents[agent];
		String htu = this.issuer + this.tokenPath;
		String proof = (es256 != null) ? es256.proof(agent, "POST", htu) : credentials.dpopProof("POST", htu, null);
		return this.client.postForm(this.tokenPath, null, proof, credentials.issuanceForm(this.issuer));
	}

	/**
	 * A DPoP-bound token of an agent for a resource (RFC 8707 {@code resource}) and
	 * scope, or a failure with the error answer.
	 * @param credentials the agent
	 * @param resource the resource, one the agent declares
	 * @param scope the scope
	 * @return the access token
	 */
	String issueDpopToken(AgentCredentials credentials, String resource, String scope) throws IOException {
		String form = "grant_type=client_credentials&client_id=" + credentials.id() + "&client_assertion_type="
				+ ProviderClient.encode(ProviderClient.ASSERTION_TYPE) + "&client_assertion="
				+ credentials.assertion(this.issuer) + "&scope=" + ProviderClient.encode(scope) + "&resource="
				+ ProviderClient.encode(resource);
		ProviderClient.Answer response = this.client.postForm(this.tokenPath, null,
				credentials.dpopProof("POST", this.issuer + this.tokenPath, null), form);
		ProviderClient.json(response, "DPoP token");
		return ProviderClient.accessToken(response.body());
	}

	/**
	 * A client-credentials token of the agent, or a failure with the error answer.
	 * @param agent the agent's index
	 * @return the access token
	 */
	String issueToken(int agent) throws IOException {
		ProviderClient.Answer response = issue(agent);
		ProviderClient.json(response, "token");
		return ProviderClient.accessToken(response.body());
	}

	/**
	 * A client-credentials token of the agent, or a failure {@code HTTP <status> <error
	 * answer>}, for the issuance window.
	 * @param agent the agent's index
	 * @return the access token
	 */
	String issueOrFail(int agent) throws IOException {
		return ProviderClient.accessToken(ProviderClient.status200(issue(agent)).body());
	}

	/** The resource server's introspection of a token. */
	ProviderClient.Answer introspect(String token) throws IOException {
		return this.client.postForm(this.introspectionPath, this.rsBasic, "token=" + token);
	}

	/**
	 * An operation that introspects the tokens in turn.
	 * @param tokens the tokens
	 * @param expected whether an answer is the one expected
	 * @return the operation
	 */
	ClosedLoop.Operation introspecting(List<String> tokens, Predicate<ProviderClient.Answer> expected) {
		return (worker, i) -> expected.test(introspect(tokens.get((int) (i % tokens.size()))));
	}

	/**
	 * Whether an introspection answer is exactly that of an inactive token (RFC 7662
	 * §2.2).
	 * @param answer the answer
	 * @return whether it is HTTP 200 {@code {"active":false}}
	 */
	static boolean inactive(ProviderClient.Answer answer) {
		return answer.statusCode() == 200 && answer.body().replace(" ", "").equals("{\"active\":false}");
	}

	/**
	 * The RFC 7009 revocation form of one of the agent's tokens, with a fresh assertion.
	 * @param agent the agent's index
	 * @param token the token
	 * @return the URL-encoded form
	 */
	String revocationForm(int agent, String token) {
		return this.agents[agent].revocationForm(this.issuer, token);
	}

	/** Posts a revocation form ({@link #revocationForm}). */
	ProviderClient.Answer revoke(String form) throws IOException {
		return this.client.postForm(this.revocationPath, null, form);
	}

	ProviderClient.Answer revoke(int agent, String token) throws IOException {
		return revoke(revocationForm(agent, token));
	}

	/**
	 * The agent exchanges its token for a token of one of its sub-agents,
	 * {@code crm:read} (RFC 8693 §2.1, with the provider's {@code sub_agent} parameter,
	 * docs/tokens.md).
	 * @param agent the agent's index
	 * @param subjectToken the agent's token
	 * @param subAgent the sub-agent's name
	 * @return the answer
	 */
	ProviderClient.Answer exchange(int agent, String subjectToken, String subAgent) throws IOException {
		AgentCredentials credentials = this.agents[agent];
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", ProviderClient.TOKEN_EXCHANGE);
		form.put("client_id", credentials.id());
		form.put("client_assertion_type", ProviderClient.ASSERTION_TYPE);
		form.put("client_assertion", credentials.assertion(this.issuer));
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", ProviderClient.ACCESS_TOKEN_TYPE);
		form.put("sub_agent", subAgent);
		form.put("scope", "crm:read");
		return this.client.postForm(this.tokenPath, null, ProviderClient.form(form));
	}

	/**
	 * The resource server asks the policy decision point whether the agent may read the
	 * data resource {@code crm} with its token (AuthZEN 1.0 access evaluation; every
	 * decision is audited by the provider).
	 * @param agent the agent's index
	 * @param token the agent's token
	 * @return the answer
	 */
	ProviderClient.Answer evaluate(int agent, String token) throws IOException {
		return this.client.postJson("/access/v1/evaluation", this.rsBasic,
				"{\"subject\":" + subject(agent, token) + "," + READ_CRM + "}");
	}

	/**
	 * The same question ten times in one AuthZEN {@code evaluations} request (defaults at
	 * the top, ten items).
	 * @param agent the agent's index
	 * @param token the agent's token
	 * @return the answer
	 */
	ProviderClient.Answer evaluateBatch(int agent, String token) throws IOException {
		StringBuilder body = new StringBuilder("{\"subject\":").append(subject(agent, token))
			.append(",\"evaluations\":[");
		for (int i = 0; i < BATCH; i++) {
			body.append((i == 0) ? "" : ",").append('{').append(READ_CRM).append('}');
		}
		return this.client.postJson("/access/v1/evaluations", this.rsBasic, body.append("]}").toString());
	}

	/** How many evaluations one batch request holds. */
	static final int BATCH = 10;

	private static final String READ_CRM = "\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"data\",\"id\":\"crm\"}";

	private String subject(int agent, String token) {
		return "{\"type\":\"agent\",\"id\":\"" + this.agents[agent].id() + "\",\"properties\":{\"token\":\"" + token
				+ "\"}}";
	}

	/**
	 * Whether an answer allows the call (and, for a batch, every call).
	 * @param answer the answer
	 * @return whether it is HTTP 200 with {@code "decision":true} and none false
	 */
	static boolean allowed(ProviderClient.Answer answer) {
		String body = answer.body();
		return answer.statusCode() == 200 && body.contains("\"decision\":true") && !body.contains("\"decision\":false");
	}

}
