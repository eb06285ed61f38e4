package dev.lethe.jobs.purge;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The purges the retention job has scheduled and not yet done ({@code lethe.purge_schedule}), read
 * soonest first in pages: each page ends with a cursor after its last purge (deadline, then record:
 * the record is the table's key), so that a schedule of any size is read whole, page after page,
 * without offsets that shift while the job adds and removes purges.
 */
public final class PurgeSchedule {

    private PurgeSchedule() {}

    /** A scheduled purge. */
    public record Scheduled(Instant deadline, String action, String entityId, String rule) {}

    /** A page, and the cursor of the next one when there may be more. */
    public record Page(List<Scheduled> purges, Optional<String> next) {}

    /**
     * The first {@code limit} purges after {@code after} (a cursor from an earlier page; empty:
     * from the soonest).
     *
     * @throws IllegalArgumentException for a cursor this class did not make
     */
    public static Page read(Connection db, int limit, Optional<String> after) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        Optional<Scheduled> from = after.map(PurgeSchedule::decode);
        String sql =
                "SELECT deadline, action, entity_id, policy_rule FROM lethe.purge_schedule"
                        + (from.isPresent() ? " WHERE (deadline, entity_id) > (?, ?)" : "")
                        + " ORDER BY deadline, entity_id LIMIT ?";
        List<Scheduled> page = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(sql)) {
            int i = 1;
            if (from.isPresent()) {
                q.setTimestamp(i++, Timestamp.from(from.get().deadline()));
                q.setString(i++, from.get().entityId());
            }
            q.setInt(i, limit + 1);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    page.add(
                            new Scheduled(
                                    r.getTimestamp(1).toInstant(),
                                    r.getString(2),
                                    r.getString(3),
                                    r.getString(4)));
                }
            }
        }
        if (page.size() <= limit) {
            return new Page(page, Optional.empty());
        }
        List<Scheduled> shown = List.copyOf(page.subList(0, limit));
        return new Page(shown, Optional.of(encode(shown.get(limit - 1))));
    }

    /** The cursor after {@code last}: its deadline and record, opaque (URL-safe Base64). */
    static String encode(Scheduled last) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        (last.deadline() + "\n" + last.entityId())
                                .getBytes(StandardCharsets.UTF_8));
    }

    private static Scheduled decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            if (nl < 0) {
                throw new IllegalArgumentException("no record");
            }
            return new Scheduled(Instant.parse(s.substring(0, nl)), "", s.substring(nl + 1), "");
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "after: not a cursor of the purge schedule (take the one a page answered)");
        }
    }
}
