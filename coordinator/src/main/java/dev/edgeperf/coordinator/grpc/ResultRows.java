package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.proto.Cell;
import dev.edgeperf.proto.ResultRow;
import java.util.EnumMap;
import java.util.Map;

/** Result rows on the wire: one {@link Cell} per {@link ResultField} that has a value, keyed by its key. */
public final class ResultRows {
    private ResultRows() {
    }

    public static ResultRow toProto(ResultRecord record) {
        return toProto(record, java.util.EnumSet.allOf(ResultField.class));
    }

    /** Only the cells of {@code fields}: a device's history travels with what it is read for, not every column. */
    public static ResultRow toProto(ResultRecord record, java.util.Set<ResultField> fields) {
        ResultRow.Builder row = ResultRow.newBuilder();
        for (ResultField f : fields) {
            Object v = record.get(f);
            if (v == null) {
                continue;
            }
            Cell.Builder cell = Cell.newBuilder();
            switch (f.type()) {
                case TEXT -> cell.setText((String) v);
                case INT, LONG -> cell.setInteger(((Number) v).longValue());
                case DOUBLE -> cell.setReal(((Number) v).doubleValue());
                case BOOL -> cell.setFlag((Boolean) v);
            }
            row.putCells(f.key(), cell.build());
        }
        return row.build();
    }

    /** Cells of fields this build does not declare (a newer coordinator) are ignored. */
    public static ResultRecord fromProto(ResultRow row) {
        Map<ResultField, Object> values = new EnumMap<>(ResultField.class);
        for (ResultField f : ResultField.values()) {
            Cell cell = row.getCellsMap().get(f.key());
            if (cell == null) {
                continue;
            }
            values.put(f, switch (cell.getValueCase()) {
                case TEXT -> cell.getText();
                case INTEGER -> cell.getInteger();
                case REAL -> cell.getReal();
                case FLAG -> cell.getFlag();
                case VALUE_NOT_SET -> null;
            });
        }
        return new ResultRecord(values);
    }
}
