package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.cli.SubjectExport.ExportPackage;
import dev.lethe.cli.SubjectExport.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes an export package as JSON (Art. 20, machine-readable), CSV and a readable HTML page. */
final class ExportFiles {

    /** The formats of a package. */
    enum Format {
        JSON,
        CSV,
        HTML;

        String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExportFiles() {}

    /** Writes the package in each format into {@code dir}; returns the files written. */
    static List<Path> write(ExportPackage p, List<Format> formats, Path dir) throws IOException {
        Files.createDirectories(dir);
        String base = p.subjectId().replace(':', '-') + "-export";
        List<Path> written = new ArrayList<>();
        for (Format f : formats) {
            Path file = dir.resolve(base + "." + f.extension());
            String content =
                    switch (f) {
                        case JSON -> json(p);
                        case CSV -> csv(p);
                        case HTML -> html(p);
                    };
            Files.writeString(file, content, StandardCharsets.UTF_8);
            written.add(file);
        }
        return written;
    }

    static String json(ExportPackage p) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("subjectId", p.subjectId());
        if (p.name() != null) {
            root.put("name", p.name());
        }
        root.put("generatedAt", p.generatedAt().toString());
        root.put("items", p.items().size());
        root.put("mentionsInOtherRecords", p.mentions());
        ArrayNode data = root.putArray("data");
        for (Item i : p.items()) {
            ObjectNode n = data.addObject();
            n.put("table", i.table());
            n.put("record", i.recordId());
            n.put("column", i.column());
            n.put("category", i.category());
            n.put("value", i.value());
            n.put("encryptedAtRest", i.encrypted());
            n.put("mentionInAnotherPersonsRecord", i.mention());
            n.put("purpose", i.processing().purpose());
            n.put("legalBasis", i.processing().legalBasis());
            n.put("source", i.processing().source());
            n.put("retention", i.processing().retention());
            ArrayNode stored = n.putArray("storedIn");
            i.storedIn().forEach(stored::add);
        }
        return MAPPER.writeValueAsString(root) + "\n";
    }

    static String csv(ExportPackage p) {
        StringBuilder b = new StringBuilder();
        row(
                b,
                "table",
                "record",
                "column",
                "category",
                "value",
                "encrypted_at_rest",
                "mention_in_another_persons_record",
                "purpose",
                "legal_basis",
                "source",
                "retention",
                "stored_in");
        for (Item i : p.items()) {
            row(
                    b,
                    i.table(),
                    i.recordId(),
                    i.column(),
                    i.category(),
                    i.value(),
                    Boolean.toString(i.encrypted()),
                    Boolean.toString(i.mention()),
                    i.processing().purpose(),
                    i.processing().legalBasis(),
                    i.processing().source(),
                    i.processing().retention(),
                    String.join("; ", i.storedIn()));
        }
        return b.toString();
    }

    /** One RFC 4180 row; a cell a spreadsheet would run as a formula is prefixed with {@code '}. */
    private static void row(StringBuilder b, String... cells) {
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append(',');
            }
            String v = cells[c] == null ? "" : cells[c];
            if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
                v = "'" + v;
            }
            b.append('"').append(v.replace("\"", "\"\"")).append('"');
        }
        b.append("\r\n");
    }

    static String html(ExportPackage p) {
        StringBuilder b = new StringBuilder();
        b.append(
                        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Your personal data: ")
                .append(esc(p.subjectId()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:75em}")
                .append("table{border-collapse:collapse;width:100%;margin-bottom:2em}")
                .append(
                        "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}")
                .append("th{background:#f3f3f3}td.v{white-space:pre-wrap;font-family:monospace}")
                .append(".meta{color:#555;font-size:.9em}</style></head><body>\n")
                .append("<h1>Your personal data</h1>\n<p>")
                .append(p.name() == null ? "" : esc(p.name()) + " &middot; ")
                .append("subject ")
                .append(esc(p.subjectId()))
                .append(" &middot; generated ")
                .append(esc(p.generatedAt().toString()))
                .append(
                        "</p>\n<p>This is a copy of the personal data we hold about you (GDPR Art. 15), with why"
                                + " we hold it, on which legal basis, where it came from, how long we keep it and"
                                + " where it is stored. The same data is attached as JSON and CSV for you to take"
                                + " elsewhere (Art. 20). Other people's data in your records is redacted.</p>\n");
        for (Map.Entry<String, List<Item>> e : SubjectExport.byTable(p).entrySet()) {
            List<Item> items = e.getValue();
            b.append("<h2>")
                    .append(esc(e.getKey()))
                    .append(" (")
                    .append(items.size())
                    .append(")</h2>\n");
            if (!items.get(0).mention()) {
                var proc = items.get(0).processing();
                b.append("<p class=\"meta\"><b>Purpose:</b> ")
                        .append(esc(proc.purpose()))
                        .append("<br><b>Legal basis:</b> ")
                        .append(esc(proc.legalBasis()))
                        .append("<br><b>Source:</b> ")
                        .append(esc(proc.source()))
                        .append("<br><b>Retention:</b> ")
                        .append(esc(proc.retention()))
                        .append("</p>\n");
            }
            b.append(
                    "<table><tr><th>Record</th><th>Field</th><th>Category</th><th>Value</th><th>Stored in</th></tr>\n");
            for (Item i : items) {
                b.append("<tr><td>")
                        .append(esc(i.recordId()))
                        .append("</td><td>")
                        .append(esc(i.column()))
                        .append("</td><td>")
                        .append(esc(i.category()))
                        .append(i.encrypted() ? " (encrypted at rest)" : "")
                        .append("</td><td class=\"v\">")
                        .append(esc(i.value()))
                        .append("</td><td>")
                        .append(esc(String.join("; ", i.storedIn())))
                        .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
