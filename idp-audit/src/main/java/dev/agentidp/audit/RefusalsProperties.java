package dev.agentidp.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How refusals are recorded ({@code idp.audit.refusals.*}, docs/audit.md "Refusals").
 *
 * @param interval the length of a summary interval: the refusals aggregated in one are
 * written as one summary record per chain, action and source at its end (default 10 s)
 * @param individualPerSource refusals recorded one by one per chain, action and source in
 * each interval, before the rest are aggregated (default 10)
 * @param maxIndividual refusals recorded one by one in each interval over all sources
 * (default 1000)
 * @param maxSources sources tracked in each interval; refusals from further sources are
 * summed in one overflow summary on the {@code _system} chain (default 1000)
 * @param connections refusal records written at once, each holding one pooled connection;
 * beyond this a refusal is aggregated instead of waiting (default 0: a quarter of
 * {@code spring.datasource.hikari.maximum-pool-size}, at least 1)
 */
@ConfigurationProperties("idp.audit.refusals")
public record RefusalsProperties(@DefaultValue("10s") Duration interval, @DefaultValue("10") int individualPerSource,
		@DefaultValue("1000") int maxIndividual, @DefaultValue("1000") int maxSources,
		@DefaultValue("0") int connections) {

	public RefusalsProperties {
		if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0
				|| interval.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException(
					"idp.audit.refusals.interval must be between 1 second and 1 hour, not " + interval);
		}
		if (individualPerSource < 0 || maxIndividual < 0 || maxSources < 1 || connections < 0) {
			throw new IllegalArgumentException("idp.audit.refusals.individual-per-source, max-individual and"
					+ " connections must not be negative, max-sources must be at least 1");
		}
	}

}
