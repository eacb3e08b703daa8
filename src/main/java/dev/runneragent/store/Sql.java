package dev.runneragent.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.Timestamp;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small conversions shared by every {@code *Store}: times and stored messages. */
public final class Sql {

    private Sql() {}

    public static void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        statement.setObject(index, time == null ? null : OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
    }

    public static Instant getTime(ResultSet rows, String column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    public static <M extends Message> M getMessage(ResultSet rows, String column, Parser<M> parser)
            throws SQLException {
        try {
            return parser.parseFrom(rows.getBytes(column));
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("stored message in column " + column + " is unreadable", e);
        }
    }

    public static Timestamp timestamp(Instant time) {
        return Timestamp.newBuilder()
                .setSeconds(time.getEpochSecond())
                .setNanos(time.getNano())
                .build();
    }

    public static Instant instant(Timestamp time) {
        return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
    }

    /** Escapes {@code %}, {@code _} and {@code \} for a {@code LIKE ... ESCAPE '\'} pattern. */
    public static String likeContains(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
