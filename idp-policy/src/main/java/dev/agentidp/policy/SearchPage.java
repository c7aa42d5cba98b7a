package dev.agentidp.policy;

import java.util.List;

import org.springframework.util.Assert;

/**
 * One page of an AuthZEN search: resource ids or action names, in the order the identity
 * document declares them.
 *
 * @param results the results of this page
 * @param nextToken the token of the next page, or {@code ""} on the last one (AuthZEN 1.0
 * paging)
 * @param total how many results all pages hold
 */
public record SearchPage(List<String> results, String nextToken, int total) {

	public SearchPage {
		results = List.copyOf(results);
		Assert.notNull(nextToken, "nextToken cannot be null");
	}

}
