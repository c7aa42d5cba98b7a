package dev.agentidp.console;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import dev.agentidp.audit.AuditActivity;

/**
 * The geometry of the activity page's server-rendered SVG charts: columns per hour and
 * horizontal bars per label, each scaled to the largest value shown (a chart of zeros
 * draws no bar). Values and labels are written into the SVG by the template with
 * {@code th:text} and {@code th:attr}, escaped like every other text of the console.
 */
final class Charts {

	/** The width of an hourly chart's plot, in SVG units. */
	static final int HOURS_WIDTH = 720;

	/** The height of an hourly chart's plot. */
	static final int HOURS_HEIGHT = 160;

	/** Where a horizontal bar starts (its label is on the left). */
	static final int BARS_LEFT = 300;

	/** The longest horizontal bar. */
	static final int BARS_WIDTH = 380;

	/** One horizontal bar's row. */
	static final int ROW = 26;

	private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:00").withZone(ZoneOffset.UTC);

	private Charts() {
	}

	/**
	 * One bar (or column) and what it shows.
	 *
	 * @param x left
	 * @param y top
	 * @param width width
	 * @param height height
	 * @param label what it counts (an hour, a reason, a risk level)
	 * @param value the count
	 * @param tick whether an hourly column's label is written under it (every sixth)
	 */
	record Bar(double x, double y, double width, double height, String label, long value, boolean tick) {

		/** Where the bar's label or value text is written, vertically. */
		public double textY() {
			return this.y + this.height / 2 + 5;
		}

		/** Just right of a horizontal bar, for its value. */
		public double valueX() {
			return this.x + this.width + 6;
		}

	}

	/** Columns of one count per hour, oldest left. */
	static List<Bar> hourly(List<AuditActivity.Hour> hours, ToLongFunction<AuditActivity.Hour> count) {
		long max = Math.max(1, hours.stream().mapToLong(count).max().orElse(0));
		double slot = (double) HOURS_WIDTH / Math.max(1, hours.size());
		List<Bar> bars = new ArrayList<>();
		for (int i = 0; i < hours.size(); i++) {
			AuditActivity.Hour hour = hours.get(i);
			long value = count.applyAsLong(hour);
			double height = (double) HOURS_HEIGHT * value / max;
			bars.add(new Bar(i * slot + 1, HOURS_HEIGHT - height, slot - 2, height, HOUR.format(hour.start()), value,
					i % 6 == 0));
		}
		return bars;
	}

	/**
	 * A label and its count, for {@link #horizontal}.
	 *
	 * @param label the label
	 * @param value the count
	 */
	record Item(String label, long value) {
	}

	/** Horizontal bars, one row per item, in the order given. */
	static List<Bar> horizontal(List<Item> items) {
		long max = Math.max(1, items.stream().mapToLong(Item::value).max().orElse(0));
		List<Bar> bars = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			Item item = items.get(i);
			bars.add(new Bar(BARS_LEFT, i * ROW + 3, (double) BARS_WIDTH * item.value() / max, ROW - 6, item.label(),
					item.value(), false));
		}
		return bars;
	}

}
