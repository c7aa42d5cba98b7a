package dev.agentidp.audit;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How refusals are recorded ({@code idp.audit.refusals.*}, docs/audit.md "Refusals"),
 * checked when it is bound: a value out of range refuses the start with the property's
 * name and its range.
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
@Validated
public record RefusalsProperties(
		@DefaultValue("10s") @NotNull(message = BETWEEN_1S_AND_1H) @DurationMin(seconds = 1,
				message = BETWEEN_1S_AND_1H) @DurationMax(hours = 1, message = BETWEEN_1S_AND_1H) Duration interval,
		@DefaultValue("10") @Min(value = 0, message = NOT_NEGATIVE) int individualPerSource,
		@DefaultValue("1000") @Min(value = 0, message = NOT_NEGATIVE) int maxIndividual,
		@DefaultValue("1000") @Min(value = 1, message = "must be at least 1") int maxSources,
		@DefaultValue("0") @Min(value = 0, message = NOT_NEGATIVE) int connections) {

	static final String BETWEEN_1S_AND_1H = "must be between 1 second and 1 hour";

	static final String NOT_NEGATIVE = "must not be negative";

}
