package dev.agentidp.audit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a stored record's canonical details text ({@code audit_record.details_jcs}) back
 * into Java values for the query API, with Jackson. The hash never depends on it: verify
 * and export use the stored text itself. Numbers come back as RFC 8785 §3.2.2.3 reads
 * them: integers within ±2^53 as {@link Long}, every other number as the {@link Double}
 * it denotes.
 */
final class StoredDetails {

	private static final long MAX_SAFE_INTEGER = 1L << 53;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private StoredDetails() {
	}

	/**
	 * The details of a stored record.
	 * @param canonical the stored text (a JSON object)
	 * @return the members, in the stored (canonical) order
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> read(String canonical) {
		if ("{}".equals(canonical)) {
			return Map.of();
		}
		return (readValue(canonical) instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	/**
	 * Any JSON text, numbers as {@link #read} reads them.
	 * @param json the text
	 * @return maps, lists, strings, booleans, {@link Long}, {@link Double} and
	 * {@code null}
	 */
	static Object readValue(String json) {
		return normalize(JSON.readValue(json, new TypeReference<Object>() {
		}));
	}

	private static Object normalize(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			map.forEach((key, member) -> out.put((String) key, normalize(member)));
			return out;
		}
		if (value instanceof List<?> list) {
			List<Object> out = new ArrayList<>(list.size());
			list.forEach((element) -> out.add(normalize(element)));
			return out;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof BigInteger
				|| value instanceof BigDecimal) {
			Number number = (Number) value;
			if (!(value instanceof BigDecimal) && number.doubleValue() > -MAX_SAFE_INTEGER
					&& number.doubleValue() < MAX_SAFE_INTEGER) {
				return number.longValue();
			}
			return number.doubleValue();
		}
		return value;
	}

}
