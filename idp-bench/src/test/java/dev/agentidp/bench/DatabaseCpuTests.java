package dev.agentidp.bench;

import org.HdrHistogram.Histogram;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DatabaseCpu#cpuTicks} reads a process's CPU from {@code /proc}, and
 * {@link ReportRow#serverMicrosPerRequest} adds the server's and its database's shares.
 */
class DatabaseCpuTests {

	@Test
	void aProcesssTicksGrowWithTheWorkItDoes() {
		int self = (int) ProcessHandle.current().pid();
		long before = DatabaseCpu.cpuTicks(self);
		assertThat(before).isNotNegative();
		long end = System.nanoTime() + 300_000_000L;
		long spin = 0;
		while (System.nanoTime() < end) {
			spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
		}
		assertThat(DatabaseCpu.cpuTicks(self)).as("after %d", spin).isGreaterThan(before);
	}

	@Test
	void aProcessThatIsGoneHasNoTicks() {
		assertThat(DatabaseCpu.cpuTicks(Integer.MAX_VALUE)).isEqualTo(-1);
	}

	@Test
	void serverCpuPerRequestAddsTheDatabasesShare() {
		int cores = Runtime.getRuntime().availableProcessors();
		ProviderSampler.Samples samples = new ProviderSampler.Samples(100, 0.25, 0.1, "", "", 0.25);
		ClosedLoop.Outcome outcome = new ClosedLoop.Outcome(1000L * cores, 0, 1.0, new Histogram(3), null);
		// (0.25 + 0.25) × cores / (1,000 × cores per second) = 500 µs
		assertThat(ReportRow.serverMicrosPerRequest(outcome, samples)).isCloseTo(500, Offset.offset(1e-6));
		assertThat(ReportRow.serverMicrosPerRequest(outcome,
				new ProviderSampler.Samples(100, 0.25, 0.1, "", "", Double.NaN)))
			.isNaN();
	}

}
