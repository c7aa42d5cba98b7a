package dev.agentidp.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * The provider's audit verify phase: {@code --audit-records} records over
 * {@code --audit-chains} chains are inserted straight into its PostgreSQL
 * ({@link AuditSeeder}), then {@code GET /admin/v1/audit/verify} is called once per run,
 * one call at a time; the row's figures are records verified per second of the call.
 * Skipped without {@code --jdbc-url} or with {@code --audit-records 0}.
 */
final class AuditVerifyPhase {

	private static final String NAME = "audit verify (GET /admin/v1/audit/verify)";

	private AuditVerifyPhase() {
	}

	/**
	 * Runs the phase and adds its row and its note.
	 * @param options {@code --audit-records}, {@code --audit-chains} and
	 * {@code --jdbc-url}
	 * @param client the provider, with its admin token
	 * @param windows the runs, and the samplers
	 * @param report where the row and the note go
	 * @param log where the progress lines go
	 */
	static void run(BenchOptions options, ProviderClient client, MeasuredWindows windows, Report report,
			ProgressLog log) throws Exception {
		int records = options.intValue("audit-records", "1000000");
		String jdbcUrl = options.get("jdbc-url");
		if (records <= 0 || jdbcUrl == null) {
			report.add(ReportRow.unavailable(NAME, "skipped (no --jdbc-url or --audit-records 0)"));
			return;
		}
		int chains = options.intValue("audit-chains", "1000");
		log.line("inserting %,d audit records over %,d chains (COPY, hashes computed by the rule)", records, chains);
		double seeded = AuditSeeder.seed(jdbcUrl, records, chains);
		log.line("inserted in %.1f s", seeded);
		report.note(String.format(Locale.ROOT,
				"Audit verify: %,d records over %,d chains inserted directly into PostgreSQL (COPY, %.1f s) on "
						+ "top of the records the run itself wrote; figures are records verified per second per call.",
				records, chains, seeded));
		ReportRow row = new ReportRow(NAME + ", records/s", 1);
		int runs = windows.runs();
		for (int run = 1; run <= runs; run++) {
			ProviderSampler sampler = windows.sampler();
			long t0 = System.nanoTime();
			ProviderClient.Answer response = client.get("/admin/v1/audit/verify", client.adminToken(),
					Duration.ofMinutes(10));
			long t1 = System.nanoTime();
			sampler.close();
			JsonNode result = ProviderClient.json(response, "verify");
			if (!result.get("valid").asBoolean()) {
				throw new IllegalStateException("verify answered invalid: " + result);
			}
			long verified = result.get("records").asLong();
			double seconds = (t1 - t0) / 1e9;
			log.line("verify run %d: %,d records in %.2f s = %,.0f records/s", run, verified, seconds,
					verified / seconds);
			Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(600), 3);
			latency.recordValue((t1 - t0) / 1000);
			// throughput in records: operations = records, seconds = the call's duration
			row.add(new ClosedLoop.Outcome(verified, 0, seconds, latency, null), sampler.samples());
		}
		report.add(row);
	}

}
