package dev.lethe.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.lethe.audit.Actor;
import dev.lethe.simulator.HelpdeskData.Account;
import dev.lethe.simulator.HelpdeskData.Agent;
import dev.lethe.simulator.HelpdeskData.Attachment;
import dev.lethe.simulator.HelpdeskData.Comment;
import dev.lethe.simulator.HelpdeskData.Consent;
import dev.lethe.simulator.HelpdeskData.Contact;
import dev.lethe.simulator.HelpdeskData.ContactBundle;
import dev.lethe.simulator.HelpdeskData.CustomFieldDefinition;
import dev.lethe.simulator.HelpdeskData.ReferenceData;
import dev.lethe.simulator.HelpdeskData.Thread;
import dev.lethe.simulator.HelpdeskData.Ticket;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link HelpdeskGenerator}'s output: ids are reserved from each table's sequence, so the
 * rows get ordinary database ids (later inserts by anyone else do not collide) and the ground truth
 * can name them.
 */
final class HelpdeskWriter {

    /** Contacts (with all their rows) per transaction. */
    static final int CONTACTS_PER_TRANSACTION = 250;

    private static final Logger LOG = LoggerFactory.getLogger(HelpdeskWriter.class);
    private static final ObjectWriter JSON = new ObjectMapper().writer();
    private static final Actor SEEDER = Actor.system("lethe-seed", "seed generated helpdesk data");

    private final Connection connection;
    private long[] accountIds = new long[0];
    private long[] agentIds = new long[0];
    private long[] contactIds = new long[1024];
    private long tickets;
    private long threads;
    private long comments;
    private long attachments;
    private long consents;
    private long transactions;

    private HelpdeskWriter(Connection connection) {
        this.connection = connection;
    }

    static SeedResult seed(Connection connection, int contacts, long seed, Path groundTruth)
            throws SQLException {
        Instant started = Instant.now();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        BufferedWriter truthOut = null;
        try {
            HelpdeskGenerator generator =
                    new HelpdeskGenerator(seed, contacts, started, EmailsInUse.read(connection));
            HelpdeskWriter writer = new HelpdeskWriter(connection);
            writer.writeReferenceData(generator.referenceData());
            if (groundTruth != null) {
                Path parent = groundTruth.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                truthOut = Files.newBufferedWriter(groundTruth, StandardCharsets.UTF_8);
            }
            long truthItems = 0;
            List<ContactBundle> batch = new ArrayList<>(CONTACTS_PER_TRANSACTION);
            while (generator.hasNext()) {
                batch.add(generator.next());
                if (batch.size() == CONTACTS_PER_TRANSACTION || !generator.hasNext()) {
                    List<GroundTruthItem> truth = writer.writeBundles(batch);
                    if (truthOut != null) {
                        for (GroundTruthItem item : truth) {
                            truthOut.write(JSON.writeValueAsString(item));
                            truthOut.write('\n');
                        }
                        truthItems += truth.size();
                    }
                    batch.clear();
                }
            }
            SeedResult result =
                    new SeedResult(
                            contacts,
                            writer.tickets,
                            writer.threads,
                            writer.comments,
                            writer.attachments,
                            writer.consents,
                            writer.accountIds.length,
                            writer.agentIds.length,
                            writer.transactions,
                            contacts == 0 ? 0 : writer.contactIds[0],
                            contacts == 0 ? 0 : writer.contactIds[contacts - 1],
                            truthItems,
                            groundTruth,
                            Duration.between(started, Instant.now()));
            LOG.info(
                    "Seeded {} contacts ({} rows) in {} transactions, {} ms",
                    result.contacts(),
                    result.rows(),
                    result.transactions(),
                    result.elapsed().toMillis());
            return result;
        } catch (IOException e) {
            connection.rollback();
            throw new UncheckedIOException("cannot write the ground-truth file", e);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            if (truthOut != null) {
                try {
                    truthOut.close();
                } catch (IOException e) {
                    LOG.warn("Closing the ground-truth file failed", e);
                }
            }
            connection.setAutoCommit(autoCommit);
        }
    }

    private void writeReferenceData(ReferenceData data) throws SQLException {
        SEEDER.emit(connection);
        List<Account> accounts = data.accounts();
        accountIds = reserve("accounts", accounts.size());
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO accounts (id, name, domain, region, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Account a : accounts) {
                ps.setLong(1, accountIds[(int) a.ref() - 1]);
                ps.setString(2, a.name());
                ps.setString(3, a.domain());
                ps.setString(4, a.region());
                ps.setTimestamp(5, ts(a.createdAt()));
                ps.setTimestamp(6, ts(a.createdAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<Agent> agents = data.agents();
        agentIds = reserve("agents", agents.size());
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO agents (id, name, email, role, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Agent a : agents) {
                ps.setLong(1, agentIds[(int) a.ref() - 1]);
                ps.setString(2, a.name());
                ps.setString(3, a.email());
                ps.setString(4, a.role());
                ps.setTimestamp(5, ts(a.createdAt()));
                ps.setTimestamp(6, ts(a.createdAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO custom_field_definitions (name, label, field_type, encrypted)"
                                + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            for (CustomFieldDefinition f : data.customFields()) {
                ps.setString(1, f.name());
                ps.setString(2, f.label());
                ps.setString(3, f.fieldType());
                ps.setBoolean(4, f.encrypted());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        connection.commit();
        transactions++;
    }

    private List<GroundTruthItem> writeBundles(List<ContactBundle> bundles) throws SQLException {
        SEEDER.emit(connection);
        int ticketCount = 0;
        int threadCount = 0;
        int commentCount = 0;
        int attachmentCount = 0;
        int consentCount = 0;
        for (ContactBundle b : bundles) {
            ticketCount += b.tickets().size();
            threadCount += b.threads().size();
            commentCount += b.comments().size();
            attachmentCount += b.attachments().size();
            consentCount += b.consents().size();
        }
        RefMap contactMap =
                new RefMap(reserve("contacts", bundles.size()), firstContactRef(bundles));
        RefMap ticketMap =
                new RefMap(reserve("tickets", ticketCount), firstRef(bundles, Kind.TICKET));
        RefMap threadMap =
                new RefMap(reserve("threads", threadCount), firstRef(bundles, Kind.THREAD));
        RefMap commentMap =
                new RefMap(reserve("comments", commentCount), firstRef(bundles, Kind.COMMENT));
        RefMap attachmentMap =
                new RefMap(
                        reserve("attachments", attachmentCount),
                        firstRef(bundles, Kind.ATTACHMENT));
        RefMap consentMap =
                new RefMap(reserve("consents", consentCount), firstRef(bundles, Kind.CONSENT));
        for (ContactBundle b : bundles) {
            long ref = b.contact().ref();
            if (ref > contactIds.length) {
                contactIds = Arrays.copyOf(contactIds, Math.max((int) ref, contactIds.length * 2));
            }
            contactIds[(int) ref - 1] = contactMap.id(ref);
        }

        insertContacts(bundles, contactMap);
        insertTickets(bundles, ticketMap);
        insertThreads(bundles, ticketMap, threadMap);
        insertComments(bundles, ticketMap, commentMap);
        insertAttachments(bundles, ticketMap, threadMap, attachmentMap);
        insertConsents(bundles, consentMap);
        connection.commit();
        transactions++;
        tickets += ticketCount;
        threads += threadCount;
        comments += commentCount;
        attachments += attachmentCount;
        consents += consentCount;

        TreeMap<String, RefMap> byTable = new TreeMap<>();
        byTable.put("contacts", contactMap);
        byTable.put("tickets", ticketMap);
        byTable.put("threads", threadMap);
        byTable.put("comments", commentMap);
        byTable.put("attachments", attachmentMap);
        byTable.put("consents", consentMap);
        List<GroundTruthItem> truth = new ArrayList<>();
        for (ContactBundle b : bundles) {
            for (GroundTruthItem item : b.groundTruth()) {
                long subjectId = contactIds[(int) item.subjectContactId() - 1];
                truth.add(item.withIds(subjectId, byTable.get(item.table()).id(item.rowId())));
            }
        }
        return truth;
    }

    private void insertContacts(List<ContactBundle> bundles, RefMap ids) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO contacts (id, account_id, first_name, last_name, email, phone,"
                                + " mobile, twitter_handle, locale, region, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ContactBundle b : bundles) {
                Contact c = b.contact();
                ps.setLong(1, ids.id(c.ref()));
                setId(ps, 2, c.accountRef(), accountIds);
                ps.setString(3, c.firstName());
                ps.setString(4, c.lastName());
                ps.setString(5, c.email());
                ps.setString(6, c.phone());
                ps.setString(7, c.mobile());
                ps.setString(8, c.twitterHandle());
                ps.setString(9, c.locale());
                ps.setString(10, c.region());
                ps.setTimestamp(11, ts(c.createdAt()));
                ps.setTimestamp(12, ts(c.createdAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertTickets(List<ContactBundle> bundles, RefMap ids) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO tickets (id, contact_id, agent_id, subject, description,"
                                + " status, channel, custom_fields, created_at, updated_at,"
                                + " closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            for (ContactBundle b : bundles) {
                for (Ticket t : b.tickets()) {
                    ps.setLong(1, ids.id(t.ref()));
                    ps.setLong(2, contactIds[(int) t.contactRef() - 1]);
                    setId(ps, 3, t.agentRef(), agentIds);
                    ps.setString(4, t.subject());
                    ps.setString(5, t.description());
                    ps.setString(6, t.status());
                    ps.setString(7, t.channel());
                    ps.setString(8, customFieldsJson(t));
                    ps.setTimestamp(9, ts(t.createdAt()));
                    ps.setTimestamp(10, ts(t.updatedAt()));
                    ps.setTimestamp(11, ts(t.closedAt()));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void insertThreads(List<ContactBundle> bundles, RefMap ticketIds, RefMap ids)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO threads (id, ticket_id, direction, from_address, to_address,"
                                + " content, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ContactBundle b : bundles) {
                for (Thread t : b.threads()) {
                    ps.setLong(1, ids.id(t.ref()));
                    ps.setLong(2, ticketIds.id(t.ticketRef()));
                    ps.setString(3, t.direction());
                    ps.setString(4, t.fromAddress());
                    ps.setString(5, t.toAddress());
                    ps.setString(6, t.content());
                    ps.setTimestamp(7, ts(t.createdAt()));
                    ps.setTimestamp(8, ts(t.createdAt()));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void insertComments(List<ContactBundle> bundles, RefMap ticketIds, RefMap ids)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO comments (id, ticket_id, agent_id, is_public, content,"
                                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (ContactBundle b : bundles) {
                for (Comment c : b.comments()) {
                    ps.setLong(1, ids.id(c.ref()));
                    ps.setLong(2, ticketIds.id(c.ticketRef()));
                    setId(ps, 3, c.agentRef(), agentIds);
                    ps.setBoolean(4, c.isPublic());
                    ps.setString(5, c.content());
                    ps.setTimestamp(6, ts(c.createdAt()));
                    ps.setTimestamp(7, ts(c.createdAt()));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void insertAttachments(
            List<ContactBundle> bundles, RefMap ticketIds, RefMap threadIds, RefMap ids)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO attachments (id, ticket_id, thread_id, file_name,"
                                + " content_type, size_bytes, storage_key, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ContactBundle b : bundles) {
                for (Attachment a : b.attachments()) {
                    ps.setLong(1, ids.id(a.ref()));
                    ps.setLong(2, ticketIds.id(a.ticketRef()));
                    if (a.threadRef() == null) {
                        ps.setNull(3, Types.BIGINT);
                    } else {
                        ps.setLong(3, threadIds.id(a.threadRef()));
                    }
                    ps.setString(4, a.fileName());
                    ps.setString(5, a.contentType());
                    ps.setLong(6, a.sizeBytes());
                    ps.setString(7, a.storageKey());
                    ps.setTimestamp(8, ts(a.createdAt()));
                    ps.setTimestamp(9, ts(a.createdAt()));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void insertConsents(List<ContactBundle> bundles, RefMap ids) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO consents (id, contact_id, purpose, granted, form, source,"
                                + " recorded_at, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ContactBundle b : bundles) {
                for (Consent c : b.consents()) {
                    ps.setLong(1, ids.id(c.ref()));
                    ps.setLong(2, contactIds[(int) c.contactRef() - 1]);
                    ps.setString(3, c.purpose());
                    ps.setBoolean(4, c.granted());
                    ps.setString(5, c.form());
                    ps.setString(6, c.source());
                    ps.setTimestamp(7, ts(c.recordedAt()));
                    ps.setTimestamp(8, ts(c.recordedAt()));
                    ps.setTimestamp(9, ts(c.recordedAt()));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** Takes {@code count} ids from the table's sequence, in ascending order. */
    private long[] reserve(String table, int count) throws SQLException {
        long[] ids = new long[count];
        if (count == 0) {
            return ids;
        }
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)")) {
            ps.setString(1, table);
            ps.setInt(2, count);
            try (ResultSet rs = ps.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    ids[i++] = rs.getLong(1);
                }
            }
        }
        Arrays.sort(ids);
        return ids;
    }

    private static String customFieldsJson(Ticket t) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(t.customFields()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void setId(PreparedStatement ps, int index, Long ref, long[] ids)
            throws SQLException {
        if (ref == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, ids[(int) (ref - 1)]);
        }
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private enum Kind {
        TICKET,
        THREAD,
        COMMENT,
        ATTACHMENT,
        CONSENT
    }

    private static long firstContactRef(List<ContactBundle> bundles) {
        return bundles.isEmpty() ? 1 : bundles.get(0).contact().ref();
    }

    /** Refs are consecutive across bundles: the batch's first ref is the smallest. */
    private static long firstRef(List<ContactBundle> bundles, Kind kind) {
        for (ContactBundle b : bundles) {
            List<? extends Record> rows =
                    switch (kind) {
                        case TICKET -> b.tickets();
                        case THREAD -> b.threads();
                        case COMMENT -> b.comments();
                        case ATTACHMENT -> b.attachments();
                        case CONSENT -> b.consents();
                    };
            if (!rows.isEmpty()) {
                Record first = rows.get(0);
                return switch (kind) {
                    case TICKET -> ((Ticket) first).ref();
                    case THREAD -> ((Thread) first).ref();
                    case COMMENT -> ((Comment) first).ref();
                    case ATTACHMENT -> ((Attachment) first).ref();
                    case CONSENT -> ((Consent) first).ref();
                };
            }
        }
        return 1;
    }

    /** The ids reserved for a batch, indexed by ref - first ref of the batch. */
    private record RefMap(long[] ids, long firstRef) {
        long id(long ref) {
            return ids[(int) (ref - firstRef)];
        }
    }
}
