package dev.lethe.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.IdentifierKind;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.catalog.TableSpec;
import dev.lethe.discovery.KnownSubjectNames.Part;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.normalize.EntityId;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides where a row holds personal data: the {@link LocationDocument}s of its current image.
 *
 * <ul>
 *   <li>Every personal column the catalog declares, and every column that identifies a subject, is
 *       a location by itself ({@value LocationDocument#DECLARED}), with its identifier value
 *       normalized (contacts.email, threads.from_address, tickets.contact_id, ...).
 *   <li>Columns the catalog marks {@code scan}, and columns it does not know (added by a migration,
 *       not yet classified), are searched by the {@link FreeTextScanner}; each finding is a
 *       location (a phone number in a thread, a colleague's name in a ticket).
 *   <li>A JSON column with encrypted keys (tickets.custom_fields): each encrypted key with a value
 *       is a location whose value is never read; the other keys are scanned as free text.
 * </ul>
 *
 * <p>Subjects: a row of a {@code self} table is its own subject; a row whose subject path has one
 * hop names its subject directly (tickets.contact_id); identifiers found anywhere resolve through
 * the {@link SubjectDirectory}; a name is attributed to the subjects it is the name of, and a first
 * or family name alone only to a subject the row is already known to be about (otherwise only if
 * exactly one subject has that name). For a row whose subject is further away (a thread, through
 * its ticket), {@link LocationDocument#parentRecord()} names the row to follow.
 *
 * <p>Phone numbers written nationally in free text are read in the writer's regions ({@link
 * SubjectDirectory#phoneRegionsOf}): those of the row's subjects, of the subjects its identifiers
 * name, then of its parent's subject ({@link #resolvingParentsWith}: the contact of the ticket an
 * agent's comment is in), the configured regions only when none is known ({@link PhoneDetector}).
 *
 * <p>Pure apart from reading the directory; not thread-safe.
 */
public final class RowLocator {

    /** What the row produced, and the columns the catalog does not know (a schema change). */
    public record Located(List<LocationDocument> documents, Set<String> unknownColumns) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PersonalDataCatalog catalog;
    private final SubjectDirectory directory;
    private final FreeTextScanner scanner;
    private final List<String> phoneRegions;

    public RowLocator(
            PersonalDataCatalog catalog, SubjectDirectory directory, List<String> phoneRegions) {
        this.catalog = catalog;
        this.directory = directory;
        this.phoneRegions = List.copyOf(phoneRegions);
        this.scanner =
                new FreeTextScanner(
                        phoneRegions,
                        directory.names(),
                        e164 ->
                                !directory
                                        .resolver()
                                        .resolve(IdentifierKind.PHONE, e164)
                                        .isEmpty());
    }

    private OversizedText oversized = OversizedText.NONE;

    private ParentSubjects parents = ParentSubjects.NONE;

    /**
     * Reads the subject of a row's parent (a comment's ticket's contact) with {@code parents}, for
     * the regions a national phone number in the row is read in.
     */
    public RowLocator resolvingParentsWith(ParentSubjects parents) {
        this.parents = parents;
        return this;
    }

    /** Reads values the capture left out for their size from {@code reader} to scan them. */
    public RowLocator readingOversizedFrom(OversizedText reader) {
        this.oversized = reader;
        return this;
    }

    /** The locations of the row after {@code change}: none after a delete. */
    public Located locate(ChangeEvent change) {
        if (change.getOp() == Operation.DELETE || change.getAfter() == null) {
            return new Located(List.of(), Set.of());
        }
        return locate(
                change.getTable(),
                EntityId.of(change),
                change.getAfter(),
                change.getSource().getCommitTime(),
                change.getSource().getLsn());
    }

    /**
     * The locations of one row image.
     *
     * @param recordId the row's entity id ({@code tickets/42})
     * @param row column -> value as the normalizer renders it (null for SQL NULL)
     */
    public Located locate(
            String table, String recordId, Map<String, String> row, Instant changedAt, long lsn) {
        Set<String> unknown = catalog.unknownColumns(table, row.keySet());
        TableSpec spec = catalog.table(table).orElse(null);
        if (spec == null) {
            return new Located(List.of(), unknown);
        }
        Row r = new Row(table, recordId, row, changedAt, lsn, row.get("deleted_at") != null);
        subjectOfRow(spec.subjectPath(), r);
        List<LocationDocument> docs = new ArrayList<>();
        List<ColumnSpec> scanned = new ArrayList<>();
        for (ColumnSpec column : spec.columns().values()) {
            String value = row.get(column.name());
            if (value == null || value.isEmpty() || (isDeclaredName(column) && value.isBlank())) {
                continue; // a blank name is nobody's; every name location has full-name keys
            }
            if (column.encryptedKeys() != null) {
                jsonColumn(column, value, r, docs);
            } else if (column.scan()) {
                scanned.add(column);
            } else if (column.identifies() != null) {
                identifier(column, value, r, docs);
            } else if (column.personal()) {
                LocationDocument d =
                        declared(
                                column,
                                r,
                                column.category().catalogName(),
                                nameValue(column, value),
                                r.owners(),
                                "declared " + column.category().catalogName() + " column");
                if (column.category() == DataCategory.NAME) {
                    d = d.withFullName(fullNameKeys(spec, row));
                }
                docs.add(d);
            }
        }
        for (ColumnSpec column : scanned) {
            String text = row.get(column.name());
            if (OversizedText.isMarker(text)) {
                Optional<String> full = oversized.read(table, recordId, column.name());
                if (full.isEmpty()) {
                    docs.add(
                            declared(
                                    column,
                                    r,
                                    column.category().catalogName(),
                                    null,
                                    r.owners(),
                                    "value over the capture's size bound, not scanned (read"
                                            + " it from the helpdesk)"));
                    continue;
                }
                text = full.get();
            }
            freeText(column.name(), column.category(), text, r, docs);
        }
        // a column the catalog does not know yet (a migration nobody classified): fail safe, its
        // values are searched like free text until it is classified
        for (String column : unknown) {
            String text = row.get(column);
            if (text != null && !text.isBlank() && !OversizedText.isMarker(text)) {
                freeText(column, DataCategory.FREE_TEXT, text, r, docs);
            }
        }
        return new Located(List.copyOf(docs), unknown);
    }

    /**
     * The {@link FullNameKeys} of the row's declared name columns, in catalog order (the parts a
     * backfill can read back from the index: each name document's value).
     */
    static List<String> fullNameKeys(TableSpec spec, Map<String, String> row) {
        List<String> parts = new ArrayList<>();
        for (ColumnSpec column : spec.columns().values()) {
            if (isDeclaredName(column)) {
                parts.add(row.get(column.name()));
            }
        }
        return FullNameKeys.of(parts);
    }

    /** A column located as a declared name (not scanned, not an identifier, not JSON). */
    public static boolean isDeclaredName(ColumnSpec column) {
        return column.category() == DataCategory.NAME
                && column.personal()
                && column.encryptedKeys() == null
                && !column.scan()
                && column.identifies() == null;
    }

    private static String nameValue(ColumnSpec column, String value) {
        return column.category() == DataCategory.NAME ? value.strip() : null;
    }

    private void subjectOfRow(SubjectPath path, Row r) {
        if (path.kind() == SubjectPath.Kind.SELF) {
            String id = r.row.get("id");
            if (id != null) {
                r.owners.add(path.subjectId(id));
            }
        } else if (path.kind() == SubjectPath.Kind.VIA) {
            Reference first = path.hops().get(0);
            String target = r.row.get(first.from().column());
            if (target != null) {
                if (path.hops().size() == 1) {
                    r.owners.add(path.subjectId(target));
                } else {
                    r.parentRecord = first.to().table() + "/" + target;
                }
            }
        }
    }

    private void identifier(ColumnSpec column, String value, Row r, List<LocationDocument> docs) {
        IdentifierKind kind = column.identifies();
        Set<String> subjects = new TreeSet<>();
        String normalized;
        String reason;
        if (kind == IdentifierKind.CONTACT_ID || kind == IdentifierKind.AGENT_ID) {
            normalized = SubjectResolver.subjectOfRowId(kind, value).orElse(null);
            if (normalized != null) {
                subjects.add(normalized);
            }
            reason = "declared " + kind.catalogName() + " column";
        } else {
            normalized =
                    SubjectResolver.normalize(
                                    kind,
                                    value,
                                    kind == IdentifierKind.PHONE
                                            ? directory.phoneRegionsFor(r.row)
                                            : phoneRegions)
                            .orElse(null);
            reason =
                    normalized == null
                            ? "declared "
                                    + kind.catalogName()
                                    + " column, value not a valid "
                                    + kind.catalogName()
                            : "declared " + kind.catalogName() + " column";
            if (isSelf(r.table)) {
                subjects.addAll(r.owners);
            } else if (normalized != null) {
                subjects.addAll(directory.resolver().resolve(kind, normalized));
                r.context.addAll(subjects);
            }
        }
        if (subjects.isEmpty()) {
            subjects.addAll(r.owners);
        }
        docs.add(declared(column, r, kind.catalogName(), normalized, subjects, reason));
    }

    private boolean isSelf(String table) {
        return catalog.subjectPath(table).kind() == SubjectPath.Kind.SELF;
    }

    private void jsonColumn(ColumnSpec column, String value, Row r, List<LocationDocument> docs) {
        JsonNode json;
        try {
            json = JSON.readTree(value);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            // unreadable: it may hold encrypted values, so it is a location whose value is not read
            docs.add(
                    declared(
                            column,
                            r,
                            "encrypted",
                            null,
                            r.owners(),
                            "JSON column that is not a JSON object; not read"));
            return;
        }
        Set<String> encrypted = directory.encryptedKeys(column.encryptedKeys());
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isNull()) {
                continue;
            }
            String name = column.name() + "." + f.getKey();
            if (encrypted.contains(f.getKey())) {
                docs.add(
                        new LocationDocument(
                                LocationDocument.declaredId(r.recordId, name),
                                List.copyOf(new TreeSet<>(r.owners)),
                                "encrypted",
                                null,
                                r.table,
                                r.recordId,
                                name,
                                column.category().catalogName(),
                                LocationDocument.DECLARED,
                                1.0,
                                null,
                                null,
                                "encrypted custom field: the value is never read or indexed",
                                r.changedAt,
                                r.lsn,
                                r.parentRecord,
                                r.softDeleted));
            } else if (column.scan()) {
                String text =
                        f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString();
                freeText(name, DataCategory.FREE_TEXT, text, r, docs);
            }
        }
    }

    /**
     * The regions the row's writer likely lives in, likeliest first, each with where it comes from:
     * those of the row's subjects, then of the subjects its declared identifiers name (a thread's
     * addresses), then, for a row under a parent ({@link LocationDocument#parentRecord()}: a
     * comment or a thread message under its ticket), those of the parent's subject (the ticket's
     * contact: an agent writing in a ticket has no region of their own), as the {@link
     * SubjectDirectory} knows them. The parent's subject is asked for only if {@code text} holds a
     * digit (only phone numbers need regions). The configured regions are not included: the phone
     * detector falls back to them last.
     */
    private Map<String, String> writerRegions(Row r, String text) {
        Map<String, String> regions = new LinkedHashMap<>();
        r.owners.forEach(s -> addRegions(regions, s, s + ", the row's subject"));
        r.context.forEach(s -> addRegions(regions, s, s + ", named by the row's identifiers"));
        if (r.parentRecord != null && hasDigit(text)) {
            if (r.parentSubject == null) {
                r.parentSubject = parents.subjectOf(r.parentRecord).orElse("");
            }
            if (!r.parentSubject.isEmpty()) {
                addRegions(
                        regions,
                        r.parentSubject,
                        r.parentSubject + ", the subject of " + r.parentRecord);
            }
        }
        return regions;
    }

    private void addRegions(Map<String, String> regions, String subject, String source) {
        for (String region : directory.phoneRegionsOf(subject)) {
            regions.putIfAbsent(region, source);
        }
    }

    private static boolean hasDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private void freeText(
            String column, DataCategory category, String text, Row r, List<LocationDocument> docs) {
        Map<String, String> regionSources = writerRegions(r, text);
        List<String> writerRegions = List.copyOf(regionSources.keySet());
        List<Finding> findings = scanner.scan(text, writerRegions);
        if (findings.isEmpty()) {
            return;
        }
        // first the subjects the identifiers and full names in this text belong to: the context
        Set<String> context = new HashSet<>(r.owners);
        context.addAll(r.context);
        for (Finding f : findings) {
            context.addAll(directory.resolver().resolve(f));
            if (f.kind() == PiiKind.NAME) {
                directory
                        .names()
                        .subjectsNamed(f.normalizedValue())
                        .forEach(
                                (s, p) -> {
                                    if (p == Part.FULL) {
                                        context.add(s);
                                    }
                                });
            }
        }
        for (Finding f : findings) {
            Set<String> subjects = new TreeSet<>();
            String value = f.normalizedValue();
            String reason = f.reason();
            switch (f.kind()) {
                case PHONE:
                    reason = withRegionSource(reason, value, regionSources);
                    subjects.addAll(directory.resolver().resolve(f));
                    if (subjects.isEmpty()) {
                        // a national number valid in several countries: the reading a known subject
                        // has, the writer's regions tried first (a number that is a known person's
                        // in one reading is theirs: the text is about them)
                        String written = text.substring(f.start(), f.end());
                        List<String> order = new ArrayList<>(writerRegions);
                        phoneRegions.stream()
                                .filter(g -> !writerRegions.contains(g))
                                .forEach(order::add);
                        for (String region : order) {
                            String reading = PhoneDetector.normalize(written, region).orElse(null);
                            if (reading == null) {
                                continue;
                            }
                            Set<String> s =
                                    directory.resolver().resolve(IdentifierKind.PHONE, reading);
                            if (!s.isEmpty()) {
                                subjects.addAll(s);
                                if (!reading.equals(value)) {
                                    value = reading;
                                    reason =
                                            reason
                                                    + "; recorded as read in "
                                                    + region
                                                    + ", the reading a known subject has";
                                }
                                break;
                            }
                        }
                    }
                    break;
                case EMAIL:
                case SOCIAL_HANDLE:
                    subjects.addAll(directory.resolver().resolve(f));
                    break;
                case NAME:
                    subjects.addAll(nameSubjects(f, context));
                    break;
                case PAYMENT_CARD:
                    value = PaymentCardDetector.masked(f.normalizedValue());
                    subjects.addAll(r.owners);
                    break;
                default:
                    subjects.addAll(r.owners);
            }
            docs.add(
                    new LocationDocument(
                            LocationDocument.findingId(r.recordId, column, f.detector(), f.start()),
                            List.copyOf(subjects),
                            f.kind().code(),
                            value,
                            r.table,
                            r.recordId,
                            column,
                            category.catalogName(),
                            f.detector(),
                            f.confidence(),
                            f.start(),
                            f.end(),
                            reason,
                            r.changedAt,
                            r.lsn,
                            r.parentRecord,
                            r.softDeleted));
        }
    }

    /**
     * A phone finding's reason, naming where the writer's region it was read in comes from ({@code
     * JP from contact:7, the subject of tickets/42}).
     */
    private static String withRegionSource(
            String reason, String e164, Map<String, String> regionSources) {
        if (!reason.contains("the writer's region")) {
            return reason;
        }
        String region = PhoneDetector.regionOf(e164).orElse(null);
        String source = region == null ? null : regionSources.get(region);
        return source == null ? reason : reason + "; " + region + " from " + source;
    }

    private Set<String> nameSubjects(Finding f, Set<String> context) {
        Map<String, Part> candidates = directory.names().subjectsNamed(f.normalizedValue());
        Set<String> full = new TreeSet<>();
        Set<String> inContext = new TreeSet<>();
        candidates.forEach(
                (s, p) -> {
                    if (p == Part.FULL) {
                        full.add(s);
                    }
                    if (context.contains(s)) {
                        inContext.add(s);
                    }
                });
        if (!inContext.isEmpty()) {
            return inContext;
        }
        if (!full.isEmpty()) {
            return full;
        }
        return candidates.size() == 1 ? candidates.keySet() : Set.of();
    }

    private LocationDocument declared(
            ColumnSpec column,
            Row r,
            String kind,
            String value,
            Set<String> subjects,
            String reason) {
        return new LocationDocument(
                LocationDocument.declaredId(r.recordId, column.name()),
                List.copyOf(new TreeSet<>(subjects)),
                kind,
                value,
                r.table,
                r.recordId,
                column.name(),
                column.category().catalogName(),
                LocationDocument.DECLARED,
                1.0,
                null,
                null,
                reason,
                r.changedAt,
                r.lsn,
                r.parentRecord,
                r.softDeleted);
    }

    /** One row being located. */
    private static final class Row {
        final String table;
        final String recordId;
        final Map<String, String> row;
        final Instant changedAt;
        final long lsn;
        final boolean softDeleted;
        final Set<String> owners = new LinkedHashSet<>();
        final Set<String> context = new LinkedHashSet<>();
        String parentRecord;

        /** The parent's subject once asked for; empty if not known. */
        String parentSubject;

        Row(
                String table,
                String recordId,
                Map<String, String> row,
                Instant changedAt,
                long lsn,
                boolean softDeleted) {
            this.table = table;
            this.recordId = recordId;
            this.row = row;
            this.changedAt = changedAt;
            this.lsn = lsn;
            this.softDeleted = softDeleted;
        }

        Set<String> owners() {
            return owners;
        }
    }
}
