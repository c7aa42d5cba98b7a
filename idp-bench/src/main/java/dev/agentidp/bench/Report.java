package dev.agentidp.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What a benchmark reports: the rows of its Markdown table, in the order they were first
 * measured, and the notes printed under the table, each a paragraph.
 */
final class Report {

	private final List<ReportRow> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	void add(ReportRow row) {
		this.rows.add(row);
	}

	/**
	 * Adds a run's outcome to the row of that name, appended when there is none yet.
	 * @param name the operation
	 * @param concurrency its load threads
	 * @param outcome what the run's window gave
	 * @param samples the server's heap and CPU over it
	 */
	void add(String name, int concurrency, ClosedLoop.Outcome outcome, ProviderSampler.Samples samples) {
		ReportRow.add(this.rows, name, concurrency, outcome, samples);
	}

	void note(String note) {
		this.notes.add(note);
	}

	/**
	 * Appends the table: header, one line a row, then an empty line.
	 * @param out the text
	 * @param server what the heap and CPU columns are of ("provider", "Keycloak")
	 */
	void appendTable(StringBuilder out, String server) {
		out.append(ReportRow.header(server));
		for (ReportRow row : this.rows) {
			out.append(row.format()).append('\n');
		}
		out.append('\n');
	}

	/**
	 * Appends the notes, each after an empty line.
	 * @param out the text
	 */
	void appendNotes(StringBuilder out) {
		this.notes.forEach((note) -> out.append("\n").append(note).append('\n'));
	}

}
