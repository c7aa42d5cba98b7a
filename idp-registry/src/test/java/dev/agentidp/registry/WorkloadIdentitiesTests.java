package dev.agentidp.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of a workload identity's issuer and subject, and the SPIFFE ID syntax.
 */
class WorkloadIdentitiesTests {

	@Test
	void trustDomainWhenValidSpiffeIdThenItsTrustDomain() {
		assertThat(WorkloadIdentities.trustDomain("spiffe://example.org/ns/payments/sa/refund-agent"))
			.hasValue("example.org");
		assertThat(WorkloadIdentities.trustDomain("spiffe://example.org")).hasValue("example.org");
	}

	@Test
	void trustDomainWhenNotASpiffeIdThenEmpty() {
		for (String id : new String[] { "spiffe://Example.org/x", "spiffe:///x", "spiffe://example.org/",
				"spiffe://example.org//x", "spiffe://example.org/../x", "spiffe://example.org/./x",
				"spiffe://exa mple.org/x", "https://example.org/x", "spiffe://example.org/x?y" }) {
			assertThat(WorkloadIdentities.trustDomain(id)).as(id).isEmpty();
		}
	}

	@Test
	void isSubjectWhenSpiffeSchemeThenItMustBeAValidSpiffeId() {
		assertThat(WorkloadIdentities.isSubject("system:serviceaccount:payments:refund-agent")).isTrue();
		assertThat(WorkloadIdentities.isSubject("spiffe://example.org/ns/payments")).isTrue();
		assertThat(WorkloadIdentities.isSubject("spiffe://Bad Domain/x")).isFalse();
		assertThat(WorkloadIdentities.isSubject("a\u0000b")).isFalse();
		assertThat(WorkloadIdentities.isSubject("x".repeat(513))).isFalse();
	}

	@Test
	void isIssuerWhenAbsoluteHttpUrlThenTrue() {
		assertThat(WorkloadIdentities.isIssuer("https://kubernetes.default.svc")).isTrue();
		assertThat(WorkloadIdentities.isIssuer("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC")).isTrue();
		assertThat(WorkloadIdentities.isIssuer("kubernetes/serviceaccount")).isFalse();
		assertThat(WorkloadIdentities.isIssuer("https://a.example/?q")).isFalse();
		assertThat(WorkloadIdentities.isIssuer("ftp://a.example")).isFalse();
	}

}
