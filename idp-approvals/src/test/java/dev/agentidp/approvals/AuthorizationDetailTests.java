package dev.agentidp.approvals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * RFC 9396 {@code tool_call} entries: reading the parameter, covering a call, narrowing,
 * and the claim round trip, without a Spring context.
 */
class AuthorizationDetailTests {

	private static final AuthorizationDetail REFUND = new AuthorizationDetail("payments", "refund", "order-1",
			new BigDecimal("100"), "refund 100 EUR");

	private static void assertRefused(String parameter, String code, String description) {
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> AuthorizationDetail.parse(parameter))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(code))
			.satisfies((ex) -> assertThat(ex.getError().getDescription()).contains(description));
	}

	@Test
	void parseWhenWellFormedThenReadsEveryMemberAndDropsDuplicates() {
		List<AuthorizationDetail> details = AuthorizationDetail
			.parse("[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\", \"target\": \"order-1\","
					+ " \"cost\": 100.00, \"arguments\": \"refund 100 EUR\"},"
					+ " {\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\", \"target\": \"order-1\","
					+ " \"cost\": 1e2, \"arguments\": \"refund 100 EUR\"}]");
		assertThat(details).hasSize(1);
		assertThat(details.get(0).cost()).isEqualByComparingTo("100");
		assertThat(details.get(0).scope()).isEqualTo("payments:refund");
	}

	@Test
	void parseWhenNotAnArrayOfKnownEntriesThenTheRfc9396Error() {
		assertRefused(null, "invalid_request", "required");
		assertRefused("{\"type\": \"tool_call\"}", "invalid_request", "JSON array");
		assertRefused("[]", "invalid_request", "JSON array of 1 to 16");
		assertRefused("[1]", "invalid_authorization_details", "must be an object");
		assertRefused("[{\"type\": \"openid_credential\"}]", "invalid_authorization_details", "type must be tool_call");
		assertRefused("[{\"type\": \"tool_call\", \"tool\": \"t\"}]", "invalid_authorization_details",
				"action is required");
		assertRefused("[{\"type\": \"tool_call\", \"tool\": \"t\", \"action\": \"a\", \"locations\": []}]",
				"invalid_authorization_details", "locations is not a member");
		assertRefused("[{\"type\": \"tool_call\", \"tool\": \"t\", \"action\": \"a\", \"cost\": -1}]",
				"invalid_authorization_details", "cost must be a number >= 0");
		assertRefused("[{\"type\": \"tool_call\", \"tool\": \"t\", \"action\": \"a\", \"target\": \"a\u202eb\"}]",
				"invalid_authorization_details", "printable");
		assertRefused("[" + "{\"type\": \"tool_call\"},".repeat(400) + "{}]", "invalid_request", "8192 bytes");
	}

	@Test
	void coversWhenSameToolActionTargetAndCostWithinThenTrue() {
		assertThat(REFUND.covers("payments", "refund", "order-1", new BigDecimal("99.99"))).isTrue();
		assertThat(REFUND.covers("payments", "refund", "order-1", new BigDecimal("100.01"))).isFalse();
		assertThat(REFUND.covers("payments", "refund", "order-2", BigDecimal.ONE)).isFalse();
		assertThat(REFUND.covers("payments", "chargeback", "order-1", BigDecimal.ONE)).isFalse();
		assertThat(new AuthorizationDetail("payments", "refund", null, null, null).covers("payments", "refund", null,
				new BigDecimal("1e9")))
			.isTrue();
	}

	@Test
	void withinWhenNarrowerThenTrueAndNeverWhenWider() {
		assertThat(new AuthorizationDetail("payments", "refund", "order-1", BigDecimal.TEN, null).within(REFUND))
			.isTrue();
		assertThat(new AuthorizationDetail("payments", "refund", null, BigDecimal.TEN, null).within(REFUND)).isFalse();
		assertThat(new AuthorizationDetail("payments", "refund", "order-1", null, null).within(REFUND)).isFalse();
		assertThat(new AuthorizationDetail("payments", "refund", "order-1", new BigDecimal("101"), null).within(REFUND))
			.isFalse();
	}

	@Test
	void claimRoundTripsAndForeignEntriesAreNone() {
		assertThat(AuthorizationDetail.fromClaim(AuthorizationDetail.claim(List.of(REFUND)))).containsExactly(REFUND);
		assertThat(AuthorizationDetail.fromClaim(List.of(Map.of("type", "other", "tool", "t", "action", "a"))))
			.isEmpty();
		assertThat(AuthorizationDetail.fromClaim("not a list")).isEmpty();
	}

}
