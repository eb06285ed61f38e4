package dev.lethe.jobs.audit;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.MatchType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.lethe.catalog.IdentifierKind;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.keys.SubjectIds;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Follows subject paths in the helpdesk database, read-only, with a small LRU cache (a ticket's
 * contact does not change in practice; a stale entry only matters if it does, and then only until
 * it is evicted).
 *
 * <p>Why a query and not keyed Flink state: the ticket a thread belongs to arrives on another topic
 * than the thread, in either order, so state would have to hold threads back until their ticket was
 * seen; the database already knows. The query reads ids only, never personal values.
 *
 * <p>Identifiers mentioned in free text are looked up in {@code contacts} (soft-deleted rows too:
 * their subjects still have keys until they are erased): email by {@code lower(email)}, handle by
 * {@code lower(ltrim(twitter_handle, '@'))}, phone by candidate rows whose {@code phone} or {@code
 * mobile} ends in the same {@value #PHONE_TAIL_DIGITS} digits (or all of a shorter national
 * number's digits), then libphonenumber's {@link PhoneNumberUtil#isNumberMatch} (exact, or the same
 * national number where one is written without country code). These queries compare personal values
 * inside the database and return ids only; neither the value nor the query's parameters appear in
 * an exception. Results (empty ones too) are cached for {@link #MENTION_CACHE_TTL}, so a contact
 * created after a miss is found at the latest that much later, and a changed phone number stops
 * matching that much later.
 *
 * <p>Every query can use an index, so none reads all of {@code contacts}: a row by its key column
 * compares the column as its own type (the parameter is cast to it), which the primary key's index
 * serves; the mention look-ups need the expression indexes of the helpdesk migration {@code
 * V3__lethe_lookup_indexes.sql} (listed in docs/operations.md for a helpdesk database Lethe does
 * not migrate): {@code lower(email)}, {@code lower(ltrim(twitter_handle, '@'))}, and for {@code
 * phone} and {@code mobile} each the reversed last {@value #PHONE_TAIL_DIGITS} digits in the {@code
 * "C"} collation ({@link #phoneTail}), searched as a range so a number's tail is a prefix.
 */
public final class JdbcSubjectLookup implements SubjectLookup {

    static final int CACHE_SIZE = 10_000;

    /** How long a mentioned identifier's contacts (or their absence) are remembered. */
    static final Duration MENTION_CACHE_TTL = Duration.ofMinutes(1);

    /** How many trailing digits select the candidate rows of a phone number. */
    static final int PHONE_TAIL_DIGITS = 6;

    /** Contacts by email, ignoring case (index {@code contacts_lower_email_idx}). */
    static final String CONTACTS_BY_EMAIL = "SELECT id::text FROM contacts WHERE lower(email) = ?";

    /** Contacts by handle, ignoring case and the {@code @} (index {@code contacts_handle_idx}). */
    static final String CONTACTS_BY_HANDLE =
            "SELECT id::text FROM contacts WHERE lower(ltrim(twitter_handle, '@')) = ?";

    /**
     * Candidate contacts of a phone number: those whose phone or mobile's reversed digit tail
     * starts with the number's reversed tail, i.e. lies in [tail, tail || ':') (':' follows '9'),
     * which the indexes {@code contacts_phone_tail_idx} and {@code contacts_mobile_tail_idx} serve.
     */
    static final String CONTACTS_BY_PHONE_TAIL =
            "SELECT id::text, phone, mobile FROM contacts WHERE ("
                    + phoneTail("phone")
                    + " >= ? AND "
                    + phoneTail("phone")
                    + " < ?) OR ("
                    + phoneTail("mobile")
                    + " >= ? AND "
                    + phoneTail("mobile")
                    + " < ?)";

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private final Connection connection;
    private final Map<String, Optional<String>> cache =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
                    return size() > CACHE_SIZE;
                }
            };

    private record Mentioned(SortedSet<String> contacts, long expiresAtNanos) {}

    private final Map<String, Mentioned> mentions =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Mentioned> eldest) {
                    return size() > CACHE_SIZE;
                }
            };

    /** table + '.' + key column -> the column's SQL type ("" if the catalog does not know it). */
    private final Map<String, String> keyTypes = new HashMap<>();

    JdbcSubjectLookup(Connection connection) {
        this.connection = connection;
    }

    /** A factory that connects with {@code user} and the password from {@link Secrets}. */
    public static Factory factory(String jdbcUrl, String user) {
        return () -> {
            Properties p = new Properties();
            p.setProperty("user", user);
            Secrets.ofProcess()
                    .find(Secrets.POSTGRES_PASSWORD)
                    .ifPresent(pw -> p.setProperty("password", pw));
            Connection c = DriverManager.getConnection(jdbcUrl, p);
            c.setReadOnly(true);
            c.setAutoCommit(true);
            return new JdbcSubjectLookup(c);
        };
    }

    @Override
    public Optional<String> value(String table, String keyColumn, String keyValue, String column) {
        String cacheKey = table + '\u0000' + keyColumn + '\u0000' + keyValue + '\u0000' + column;
        Optional<String> cached = cache.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        try {
            String sql = valueSql(table, keyColumn, column);
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, keyValue);
                if (sql.indexOf('?') != sql.lastIndexOf('?')) {
                    ps.setString(2, keyValue);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    Optional<String> value =
                            rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                    if (value.isPresent()) {
                        cache.put(cacheKey, value);
                    }
                    return value;
                }
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                // not a value of the key column's type: no row's key is written so
                return Optional.empty();
            }
            throw new IllegalStateException(
                    "reading " + table + "." + column + " by " + keyColumn + " failed", e);
        }
    }

    /**
     * {@code SELECT column::text FROM table WHERE keyColumn = CAST(? AS <its type>) AND
     * keyColumn::text = ?}: the cast comparison lets the column's index find the row, the text
     * comparison keeps the match exactly what comparing the column's text with the key value was (a
     * key value {@code "007"} does not find id 7). Falls back to the text comparison alone if the
     * catalog does not know the column (then the query fails as it did).
     */
    String valueSql(String table, String keyColumn, String column) throws SQLException {
        String type = keyType(identifier(table), identifier(keyColumn));
        String select = "SELECT " + identifier(column) + "::text FROM " + table + " WHERE ";
        if (type.isEmpty()) {
            return select + keyColumn + "::text = ?";
        }
        return select + keyColumn + " = CAST(? AS " + type + ") AND " + keyColumn + "::text = ?";
    }

    private String keyType(String table, String keyColumn) throws SQLException {
        String key = table + '.' + keyColumn;
        String type = keyTypes.get(key);
        if (type == null) {
            // a domain's base type, so the cast never checks the domain's constraints
            try (PreparedStatement ps =
                    connection.prepareStatement(
                            "SELECT format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype"
                                    + " ELSE a.atttypid END, CASE WHEN t.typtype = 'd'"
                                    + " THEN t.typtypmod ELSE a.atttypmod END)"
                                    + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                                    + " WHERE a.attrelid = to_regclass(?) AND a.attname = ?"
                                    + " AND a.attnum > 0 AND NOT a.attisdropped")) {
                ps.setString(1, table);
                ps.setString(2, keyColumn);
                try (ResultSet rs = ps.executeQuery()) {
                    type = rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
                }
            }
            keyTypes.put(key, type);
        }
        return type;
    }

    @Override
    public SortedSet<String> contactsIdentifiedBy(IdentifierKind kind, String normalizedValue) {
        if (normalizedValue == null || normalizedValue.isBlank()) {
            return Collections.emptySortedSet();
        }
        String cacheKey = kind.catalogName() + '\u0000' + normalizedValue;
        long now = System.nanoTime();
        Mentioned cached = mentions.get(cacheKey);
        if (cached != null && now - cached.expiresAtNanos() < 0) {
            return cached.contacts();
        }
        SortedSet<String> contacts;
        try {
            switch (kind) {
                case EMAIL:
                    contacts =
                            contactIds(CONTACTS_BY_EMAIL, normalizedValue.toLowerCase(Locale.ROOT));
                    break;
                case HANDLE:
                    contacts =
                            contactIds(
                                    CONTACTS_BY_HANDLE,
                                    stripAt(normalizedValue).toLowerCase(Locale.ROOT));
                    break;
                case PHONE:
                    contacts = contactsByPhone(normalizedValue);
                    break;
                default:
                    contacts = Collections.emptySortedSet();
            }
        } catch (SQLException e) {
            // the value is never part of the message
            throw new IllegalStateException(
                    "looking up the contacts of a mentioned " + kind.catalogName() + " failed", e);
        }
        SortedSet<String> result = Collections.unmodifiableSortedSet(contacts);
        mentions.put(cacheKey, new Mentioned(result, now + MENTION_CACHE_TTL.toNanos()));
        return result;
    }

    private SortedSet<String> contactIds(String sql, String parameter) throws SQLException {
        SortedSet<String> ids = new TreeSet<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(SubjectIds.of(SubjectIds.CONTACT, rs.getString(1)));
                }
            }
        }
        return ids;
    }

    private SortedSet<String> contactsByPhone(String e164) throws SQLException {
        PhoneNumber number;
        try {
            number = PHONES.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            return Collections.emptySortedSet();
        }
        String national = PHONES.getNationalSignificantNumber(number);
        String tail = national.substring(Math.max(0, national.length() - PHONE_TAIL_DIGITS));
        String[] range = phoneTailRange(tail);
        SortedSet<String> ids = new TreeSet<>();
        try (PreparedStatement ps = connection.prepareStatement(CONTACTS_BY_PHONE_TAIL)) {
            ps.setString(1, range[0]);
            ps.setString(2, range[1]);
            ps.setString(3, range[0]);
            ps.setString(4, range[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (sameNumber(number, rs.getString(2))
                            || sameNumber(number, rs.getString(3))) {
                        ids.add(SubjectIds.of(SubjectIds.CONTACT, rs.getString(1)));
                    }
                }
            }
        }
        return ids;
    }

    /**
     * The indexed form of a phone column: its last {@value #PHONE_TAIL_DIGITS} digits (all of them
     * if it has fewer), reversed, in the "C" collation. A column's digits end in {@code tail} (of
     * at most that many digits) exactly when this starts with {@code tail} reversed: the same rows
     * as {@code right(digits, length(tail)) = tail}, through a btree range.
     */
    static String phoneTail(String column) {
        return "reverse(right(regexp_replace(coalesce("
                + column
                + ", ''), '[^0-9]', '', 'g'), "
                + PHONE_TAIL_DIGITS
                + ")) COLLATE \"C\"";
    }

    /** The bounds [from, to) of {@link #phoneTail} values that start with {@code tail} reversed. */
    static String[] phoneTailRange(String tail) {
        String reversed = new StringBuilder(tail).reverse().toString();
        return new String[] {reversed, reversed + ':'};
    }

    /**
     * Whether {@code written} (as stored in the helpdesk, any format) is {@code number}: the same
     * number with the same country code, or the same national number where {@code written} has no
     * country code (it is then read in {@code number}'s country).
     */
    static boolean sameNumber(PhoneNumber number, String written) {
        if (written == null || written.isBlank()) {
            return false;
        }
        MatchType match = PHONES.isNumberMatch(number, written);
        return match == MatchType.EXACT_MATCH || match == MatchType.NSN_MATCH;
    }

    private static String stripAt(String handle) {
        return handle.startsWith("@") ? handle.substring(1) : handle;
    }

    private static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
        return name;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
