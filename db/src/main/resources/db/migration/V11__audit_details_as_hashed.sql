-- The audit trail stores the canonical details text that was hashed (issue 15, item 5; docs/audit.md,
-- "The hash rule"): `details_jcs` holds the exact RFC 8785 (JCS) text of a record's details, written by
-- the application at append and never re-derived, so verify re-hashes the bytes that were hashed instead
-- of re-parsing jsonb. `details` stays, for queries (`details->>'count'`), as a column PostgreSQL
-- generates from `details_jcs`: it cannot be written, so the two cannot disagree.
--
-- Existing rows: their jsonb `details` was stored from the canonical text, and verify re-canonicalized
-- what jsonb gave back (every number as an IEEE 754 double, members sorted by UTF-16 code units). The
-- functions below, in this session's temporary schema and dropped at the end, redo exactly that once, so
-- that every existing record still verifies. They only rebuild the canonical text; the hash itself is
-- computed in one place, dev.agentidp.audit.RecordHashing. ALTER ... TYPE rewrites the table without
-- firing the append-only row triggers.

-- A string's UTF-16 code units, the order RFC 8785 §3.2.3 sorts member names by (text compares by code
-- point, which differs for characters above U+FFFF).
CREATE FUNCTION pg_temp.audit_utf16(name text) RETURNS int[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(unit ORDER BY position, half), '{}')
    FROM unnest(string_to_array(name, NULL)) WITH ORDINALITY AS c(ch, position),
         LATERAL (SELECT ascii(c.ch) AS cp) p,
         LATERAL (VALUES (1, CASE WHEN p.cp < 65536 THEN p.cp ELSE 55296 + ((p.cp - 65536) >> 10) END),
                         (2, CASE WHEN p.cp >= 65536 THEN 56320 + ((p.cp - 65536) & 1023) END)) AS u(half, unit)
    WHERE unit IS NOT NULL
$$;

-- A number as RFC 8785 §3.2.2.3 writes it: the IEEE 754 double it denotes, in ECMAScript's
-- Number.prototype.toString form (PostgreSQL's float8 output is the shortest round-trip digits).
CREATE FUNCTION pg_temp.audit_jcs_number(n numeric) RETURNS text LANGUAGE plpgsql IMMUTABLE
    SET extra_float_digits = 1 AS $$
DECLARE
    d float8 := n::float8;
    parts text[];
    digits text;
    e int;
    k int;
    p int;
    sign text := '';
BEGIN
    IF d = 0 THEN
        RETURN '0';
    END IF;
    IF d = trunc(d) AND abs(d) < 9007199254740992 THEN
        RETURN d::bigint::text;
    END IF;
    IF d < 0 THEN
        sign := '-';
        d := -d;
    END IF;
    parts := regexp_match(d::text, '^([0-9]+)(?:\.([0-9]+))?(?:e([+-]?[0-9]+))?$');
    digits := ltrim(parts[1] || coalesce(parts[2], ''), '0');
    e := coalesce(parts[3]::int, 0) - length(coalesce(parts[2], ''));
    WHILE right(digits, 1) = '0' LOOP
        digits := left(digits, -1);
        e := e + 1;
    END LOOP;
    k := length(digits);
    p := k + e;
    IF k <= p AND p <= 21 THEN
        RETURN sign || digits || repeat('0', p - k);
    ELSIF 0 < p AND p <= 21 THEN
        RETURN sign || left(digits, p) || '.' || substr(digits, p + 1);
    ELSIF -6 < p AND p <= 0 THEN
        RETURN sign || '0.' || repeat('0', -p) || digits;
    END IF;
    RETURN sign || left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
        || 'e' || CASE WHEN p - 1 < 0 THEN '-' ELSE '+' END || abs(p - 1);
END
$$;

-- A jsonb value as RFC 8785 text. Strings, true, false and null: jsonb's own output, which escapes
-- exactly as RFC 8785 §3.2.2.2 does (\" \\ \b \f \n \r \t, other controls as lowercase \u00xx).
CREATE FUNCTION pg_temp.audit_jcs(v jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE jsonb_typeof(v)
        WHEN 'object' THEN
            RETURN '{' || coalesce((SELECT string_agg(to_jsonb(key)::text || ':' || pg_temp.audit_jcs(value), ','
                                                      ORDER BY pg_temp.audit_utf16(key))
                                    FROM jsonb_each(v)), '') || '}';
        WHEN 'array' THEN
            RETURN '[' || coalesce((SELECT string_agg(pg_temp.audit_jcs(element), ',' ORDER BY position)
                                    FROM jsonb_array_elements(v) WITH ORDINALITY AS a(element, position)), '') || ']';
        WHEN 'number' THEN
            RETURN pg_temp.audit_jcs_number(v::text::numeric);
        ELSE
            RETURN v::text;
    END CASE;
END
$$;

ALTER TABLE audit_record
    ALTER COLUMN details DROP DEFAULT,
    ALTER COLUMN details TYPE text USING pg_temp.audit_jcs(details);
ALTER TABLE audit_record RENAME COLUMN details TO details_jcs;
ALTER TABLE audit_record ADD COLUMN details jsonb GENERATED ALWAYS AS (details_jcs::jsonb) STORED;

DROP FUNCTION pg_temp.audit_jcs(jsonb);
DROP FUNCTION pg_temp.audit_jcs_number(numeric);
DROP FUNCTION pg_temp.audit_utf16(text);
