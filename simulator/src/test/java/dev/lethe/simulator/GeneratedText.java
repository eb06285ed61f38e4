package dev.lethe.simulator;

import dev.lethe.simulator.HelpdeskData.ContactBundle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The free-text columns of generated bundles, with the ground-truth spans placed in each. */
final class GeneratedText {

    record Span(int start, int end) {}

    record Column(String where, String text, List<GroundTruthItem> items) {
        List<Span> spans(String kind) {
            return items.stream()
                    .filter(i -> i.kind().equals(kind))
                    .map(i -> new Span(i.start(), i.end()))
                    .toList();
        }
    }

    private final Map<String, Column> columns = new LinkedHashMap<>();

    static GeneratedText of(Collection<ContactBundle> bundles) {
        GeneratedText texts = new GeneratedText();
        for (ContactBundle b : bundles) {
            b.tickets()
                    .forEach(
                            t -> {
                                texts.put("tickets", t.ref(), "subject", t.subject());
                                texts.put("tickets", t.ref(), "description", t.description());
                            });
            b.threads().forEach(t -> texts.put("threads", t.ref(), "content", t.content()));
            b.comments().forEach(c -> texts.put("comments", c.ref(), "content", c.content()));
            b.attachments()
                    .forEach(a -> texts.put("attachments", a.ref(), "file_name", a.fileName()));
        }
        for (ContactBundle b : bundles) {
            for (GroundTruthItem item : b.groundTruth()) {
                if (item.start() != null) {
                    texts.columns
                            .get(key(item.table(), item.rowId(), item.column()))
                            .items()
                            .add(item);
                }
            }
        }
        return texts;
    }

    private void put(String table, long row, String column, String text) {
        String key = key(table, row, column);
        columns.put(key, new Column(key, text, new ArrayList<>()));
    }

    String text(String table, long row, String column) {
        return columns.get(key(table, row, column)).text();
    }

    Collection<Column> all() {
        return columns.values();
    }

    Set<String> columns() {
        Set<String> names = new TreeSet<>();
        for (String key : columns.keySet()) {
            String[] parts = key.split("/");
            names.add(parts[0] + "." + parts[2]);
        }
        return names;
    }

    private static String key(String table, long row, String column) {
        return table + "/" + row + "/" + column;
    }
}
