package dev.edgeperf.coordinator.store;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of campaign results: a value per {@link ResultField}, {@code null} where there is none
 * (a failed job's latencies, a figure the agent did not report).
 */
public final class ResultRecord {
    private final Map<ResultField, Object> values;

    /** @param values by field; absent fields are null; each value must match its field's type */
    public ResultRecord(Map<ResultField, ?> values) {
        EnumMap<ResultField, Object> copy = new EnumMap<>(ResultField.class);
        values.forEach((field, value) -> {
            if (value != null) {
                copy.put(field, checked(field, value));
            }
        });
        this.values = Collections.unmodifiableMap(copy);
    }

    /** The value, or null. */
    public Object get(ResultField field) {
        return values.get(field);
    }

    public String text(ResultField field) {
        Object v = values.get(field);
        return v == null ? "" : v.toString();
    }

    public Optional<Double> real(ResultField field) {
        Object v = values.get(field);
        return v == null ? Optional.empty() : Optional.of(((Number) v).doubleValue());
    }

    public long integer(ResultField field) {
        Object v = values.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }

    public JobState state() {
        return JobState.fromSql(text(ResultField.STATE));
    }

    /** Every field in declaration order, keyed by {@link ResultField#key()}, null where there is no value. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (ResultField f : ResultField.values()) {
            map.put(f.key(), values.get(f));
        }
        return map;
    }

    /** The CSV cell: empty for no value, doubles to six significant digits (locale-free), RFC 4180 quoting. */
    public String csvCell(ResultField field) {
        Object v = values.get(field);
        String s = v == null ? "" : v instanceof Double d ? csvNumber(d) : v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static String csvNumber(double d) {
        return String.format(Locale.ROOT, "%.6g", d);
    }

    private static Object checked(ResultField field, Object value) {
        Object normalized = switch (field.type()) {
            case TEXT -> value instanceof String ? value : null;
            case INT, LONG -> value instanceof Integer || value instanceof Long ? ((Number) value).longValue() : null;
            case DOUBLE -> value instanceof Number n ? n.doubleValue() : null;
            case BOOL -> value instanceof Boolean ? value : null;
        };
        if (normalized == null) {
            throw new IllegalArgumentException("result field " + field.key() + " is " + field.type() + ", got "
                    + value.getClass().getSimpleName() + " " + value);
        }
        return normalized;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultRecord r && r.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return "ResultRecord" + toMap();
    }
}
