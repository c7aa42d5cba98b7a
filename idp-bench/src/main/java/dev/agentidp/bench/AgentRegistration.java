package dev.agentidp.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * The agents a benchmark registers through the server's admin API before it measures,
 * several at a time, bounded in time, and what that setup phase gave for its row.
 *
 * @param agents the agents registered, in order (those that failed left out)
 * @param outcome the closed loop's outcome
 * @param samples the server's heap and CPU over it
 */
record AgentRegistration(AgentCredentials[] agents, ClosedLoop.Outcome outcome, ProviderSampler.Samples samples) {

	/** Registers one agent. */
	@FunctionalInterface
	interface Registrar {

		AgentCredentials register(long index) throws Exception;

	}

	/**
	 * Registers the agents.
	 * @param count how many to ask for
	 * @param threads how many at a time
	 * @param limit when to stop and go on with those registered
	 * @param sampler the server's sampler, started; closed here
	 * @param registrar registers one
	 * @return the agents registered and the phase's figures
	 */
	static AgentRegistration run(int count, int threads, Duration limit, ProviderSampler sampler, Registrar registrar)
			throws InterruptedException {
		AgentCredentials[] slots = new AgentCredentials[count];
		ClosedLoop.Outcome outcome = ClosedLoop.run(threads, Duration.ZERO, limit, count, (worker, i) -> {
			slots[(int) i] = registrar.register(i);
			return true;
		});
		sampler.close();
		AgentCredentials[] registered = Arrays.stream(slots).filter((a) -> a != null).toArray(AgentCredentials[]::new);
		return new AgentRegistration(registered, outcome, sampler.samples());
	}

	/**
	 * The setup phase's row.
	 * @param name the row's name
	 * @param threads how many at a time
	 * @return the row
	 */
	ReportRow row(String name, int threads) {
		ReportRow row = new ReportRow(name, threads);
		row.add(this.outcome, this.samples);
		return row;
	}

}
