package dev.agentidp.console;

/**
 * One cell of the console's CSV exports: RFC 4180 quoting (a cell holding a comma, a
 * double quote, a carriage return or a line feed is enclosed in double quotes, and each
 * double quote in it doubled, §2 rules 6 and 7), and CSV injection defused as OWASP's
 * "CSV Injection" page advises: a cell a spreadsheet would read as a formula (starting
 * with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return) is
 * prefixed with a single quote, so that it is shown as text.
 */
final class CsvCells {

	private CsvCells() {
	}

	/**
	 * The cell as written to the file.
	 * @param value the value, or {@code null} (an empty cell)
	 * @return the cell
	 */
	static String cell(String value) {
		if (value == null || value.isEmpty()) {
			return "";
		}
		String text = startsLikeAFormula(value) ? "'" + value : value;
		if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
			return '"' + text.replace("\"", "\"\"") + '"';
		}
		return text;
	}

	/**
	 * One record: the cells joined by commas, ended by CRLF (RFC 4180 §2 rule 1).
	 * @param values the values
	 * @return the line
	 */
	static String line(String... values) {
		StringBuilder line = new StringBuilder();
		for (int i = 0; i < values.length; i++) {
			if (i > 0) {
				line.append(',');
			}
			line.append(cell(values[i]));
		}
		return line.append("\r\n").toString();
	}

	private static boolean startsLikeAFormula(String value) {
		char first = value.charAt(0);
		return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
	}

}
