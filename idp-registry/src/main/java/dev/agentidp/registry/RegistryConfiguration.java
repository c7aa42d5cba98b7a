package dev.agentidp.registry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The registry's configuration: {@link RegistryProperties} and the rules and caches made
 * from them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RegistryProperties.class)
class RegistryConfiguration {

	@Bean
	SubAgentLimits subAgentLimits(RegistryProperties properties) {
		return new SubAgentLimits(properties.maxSubAgentsPerRoot(), properties.maxNewSubAgentsPerMinute());
	}

	@Bean
	RegistryCaches registryCaches(RegistryProperties properties) {
		return new RegistryCaches(properties);
	}

}
