package dev.agentidp.resourceserver;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.agentidp.dpop.ReplayCheck;
import io.micrometer.core.instrument.Counter;
import jakarta.servlet.DispatcherType;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The resource-server kit's beans, active once {@code agentidp.resource-server.resource}
 * is set, in a servlet web application. Each is a seam
 * ({@link ConditionalOnMissingBean}): {@link AccessTokenVerifier} (introspection, or a
 * local RFC 9068 check by {@code token-check: jwt}), {@link ReplayCheck} (in memory, per
 * instance), {@link PolicyDecisions} (the provider's AuthZEN endpoints), the
 * {@link AgentIdpResourceServerConfigurer} and, when the application has none, a
 * {@link SecurityFilterChain} that lets the metadata and the configured public paths
 * through and requires a token everywhere else. The RFC 9728 metadata, the
 * {@link ToolCall} advisor and its 403 handler come with them.
 */
@AutoConfiguration(
		beforeName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(HttpSecurity.class)
@ConditionalOnProperty(prefix = "agentidp.resource-server", name = "resource")
@EnableConfigurationProperties(ResourceServerProperties.class)
public class ResourceServerAutoConfiguration {

	/**
	 * Where refusals are logged, one INFO line each: the error code and reason, never a
	 * token or proof.
	 */
	private static final Log logger = LogFactory.getLog("dev.agentidp.resourceserver.Refusals");

	@Bean
	@ConditionalOnMissingBean
	AccessTokenVerifier agentIdpAccessTokenVerifier(ResourceServerProperties properties) {
		if (properties.tokenCheck() == TokenCheck.JWT) {
			return new JwtVerifier(JwtVerifier.jwks(properties), properties, Clock.systemUTC());
		}
		return new IntrospectionVerifier(providerHttp(properties), properties, Clock.systemUTC());
	}

	/**
	 * The provider's shared signals, when {@code signals.enabled}: a poll stream whose
	 * revocations and suspensions drop the cached introspection answers they name (with
	 * {@code token-check: jwt} nothing is cached, and nothing to drop).
	 */
	@Bean
	@ConditionalOnProperty(prefix = "agentidp.resource-server.signals", name = "enabled", havingValue = "true")
	SmartLifecycle agentIdpSignalReceiver(ResourceServerProperties properties, AccessTokenVerifier tokens) {
		CachedAnswers answers = (tokens instanceof CachedAnswers cached) ? cached : new CachedAnswers() {

			@Override
			public boolean sessionRevoked(String jti) {
				return false;
			}

			@Override
			public int accountDisabled(String agentId) {
				return 0;
			}

		};
		return new SignalReceiver(providerHttp(properties), properties, answers, JwtVerifier.jwks(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	ReplayCheck agentIdpReplayCheck(ResourceServerProperties properties) {
		return new LocalReplayCheck(properties.dpopReplayCacheSize(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	PolicyDecisions agentIdpPolicyDecisions(ResourceServerProperties properties) {
		return new AuthZenPolicyClient(providerHttp(properties), properties);
	}

	@Bean
	@ConditionalOnMissingBean
	AgentIdpResourceServerConfigurer agentIdpResourceServerConfigurer(AccessTokenVerifier tokens, ReplayCheck replays,
			ResourceServerProperties properties, ObjectProvider<RefusalCounter> counters) {
		RefusalCounter counter = counters.getIfAvailable();
		Refusals refusals = (error, reason) -> {
			if (logger.isInfoEnabled()) {
				logger.info("Refused: error=" + error + " reason=" + Challenges.quoted(reason));
			}
			if (counter != null) {
				counter.refused(error);
			}
		};
		return new AgentIdpResourceServerConfigurer(tokens, replays, properties, refusals);
	}

	@Bean
	@ConditionalOnMissingBean(SecurityFilterChain.class)
	SecurityFilterChain agentIdpSecurityFilterChain(HttpSecurity http, AgentIdpResourceServerConfigurer kit,
			ResourceServerProperties properties) throws Exception {
		List<String> open = new ArrayList<>(ProtectedResourceMetadata.paths(properties));
		open.addAll(properties.publicPaths());
		http.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
			.permitAll()
			.requestMatchers(open.toArray(String[]::new))
			.permitAll()
			.anyRequest()
			.authenticated()).with(kit, Customizer.withDefaults());
		return http.build();
	}

	@Bean
	RouterFunction<ServerResponse> agentIdpProtectedResourceMetadata(ResourceServerProperties properties) {
		return ProtectedResourceMetadata.routes(properties);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor agentIdpToolCallAdvisor(ObjectProvider<PolicyDecisions> decisions) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
				new AnnotationMatchingPointcut(null, ToolCall.class, true), new ToolCallInterceptor(decisions));
		advisor.setOrder(0);
		return advisor;
	}

	@Bean
	ToolCallDenials agentIdpToolCallDenials() {
		return new ToolCallDenials();
	}

	private static ProviderHttp providerHttp(ResourceServerProperties properties) {
		return new ProviderHttp(properties.clientId(), properties.clientSecret(), properties.clientJwk(),
				properties.issuer().toString(), properties.timeout(), Clock.systemUTC());
	}

	/** Counts refusals in Micrometer, when it is present. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class RefusalMetrics {

		@Bean
		RefusalCounter agentIdpRefusalCounter(ObjectProvider<MeterRegistry> registries) {
			return (error) -> registries.ifAvailable((registry) -> Counter.builder("agentidp.resource.server.refusals")
				.description("Requests the resource-server kit refused, by error code")
				.tag("error", error)
				.register(registry)
				.increment());
		}

	}

	/** A refusal counter: one per error code, a fixed set. */
	@FunctionalInterface
	interface RefusalCounter {

		void refused(String error);

	}

}
