package dev.agentidp.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CsvCells}: RFC 4180 quoting and CSV injection defused.
 */
class CsvCellsTests {

	@Test
	void cellWhenPlainThenAsIs() {
		assertThat(CsvCells.cell("support-bot")).isEqualTo("support-bot");
		assertThat(CsvCells.cell(null)).isEmpty();
	}

	@Test
	void cellWhenItStartsLikeAFormulaThenPrefixedWithAQuote() {
		assertThat(CsvCells.cell("=HYPERLINK(\"http://evil\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\")\"");
		assertThat(CsvCells.cell("+1")).isEqualTo("'+1");
		assertThat(CsvCells.cell("-2+3")).isEqualTo("'-2+3");
		assertThat(CsvCells.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
		assertThat(CsvCells.cell("\tcmd")).isEqualTo("'\tcmd");
		assertThat(CsvCells.cell("a=b")).isEqualTo("a=b");
	}

	@Test
	void cellWhenItHoldsACommaAQuoteOrANewlineThenQuoted() {
		assertThat(CsvCells.cell("a,b")).isEqualTo("\"a,b\"");
		assertThat(CsvCells.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
		assertThat(CsvCells.cell("two\nlines")).isEqualTo("\"two\nlines\"");
	}

	@Test
	void lineJoinsCellsAndEndsWithCrLf() {
		assertThat(CsvCells.line("a", null, "=1")).isEqualTo("a,,'=1\r\n");
	}

}
