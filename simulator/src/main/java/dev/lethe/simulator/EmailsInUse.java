package dev.lethe.simulator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The email addresses a helpdesk database already holds, which a {@link HelpdeskGenerator} must not
 * hand out again: the seeder's and the load generator's {@code unavailableEmails}.
 */
final class EmailsInUse {

    private EmailsInUse() {}

    /**
     * The addresses of every contact and agent, read on {@code connection} (not in auto-commit),
     * which is committed afterwards.
     */
    static List<String> read(Connection connection) throws SQLException {
        List<String> emails = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT email FROM contacts UNION ALL SELECT email FROM agents")) {
            while (rs.next()) {
                emails.add(rs.getString(1));
            }
        }
        connection.commit();
        return emails;
    }
}
