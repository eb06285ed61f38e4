package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The discovery evaluation set: short multilingual helpdesk texts with the personal data each holds
 * and hard negatives, written by hand for Lethe's evaluation (bench resources {@value #ROOT},
 * format and provenance in the README.md there). Loading locates every annotated value in its text,
 * so an annotation that is not in its text fails here, not in a measurement.
 */
final class DiscoveryEvalSet {

    /** Where the set lives on the classpath. */
    static final String ROOT = "dev/lethe/bench/discovery-eval/";

    /** The sources a text can be stored as. */
    static final List<String> SOURCES = List.of("ticket", "reply", "comment");

    /**
     * The kinds of personal data annotated ({@code PiiKind} codes), in the order tables list them.
     */
    static final List<String> KINDS = List.of("email", "phone", "iban", "card", "handle", "name");

    /** A contact row as the helpdesk stores it. */
    record Contact(
            long id,
            String firstName,
            String lastName,
            String email,
            String phone,
            String mobile,
            String twitterHandle,
            String locale) {
        String subjectId() {
            return "contact:" + id;
        }
    }

    /** An agent row as the helpdesk stores it (one name column). */
    record Agent(long id, String name, String email) {
        String subjectId() {
            return "agent:" + id;
        }
    }

    /**
     * A piece of personal data in a text, at {@code start..end}.
     *
     * @param kind a {@code PiiKind} code
     * @param written the characters of the text it is
     * @param value what the location index must record
     * @param region for a phone meant in another region than the writer's, that region; else null
     * @param subject for a name of a known subject, its subject id; else null
     */
    record Truth(
            String kind,
            String written,
            String value,
            String region,
            String subject,
            int start,
            int end) {}

    /** Something that looks like personal data and is not, at {@code start..end}. */
    record Negative(String kind, String written, int start, int end) {}

    /** One text with its ground truth. */
    record Text(
            String id,
            String language,
            String locale,
            String source,
            String writer,
            String contact,
            String text,
            List<Truth> pii,
            List<Negative> negatives) {

        /** The writer's region, the country of {@link #locale} ({@code fr-BE} → {@code BE}). */
        String region() {
            return Locale.forLanguageTag(locale).getCountry();
        }
    }

    /** An annotation before it is located: kind, written form and the rest of its fields. */
    record Annotation(String kind, String written, String value, String region, String subject) {}

    final int version;
    final List<Contact> contacts;
    final List<Agent> agents;
    final List<Text> texts;

    private DiscoveryEvalSet(
            int version, List<Contact> contacts, List<Agent> agents, List<Text> texts) {
        this.version = version;
        this.contacts = List.copyOf(contacts);
        this.agents = List.copyOf(agents);
        this.texts = List.copyOf(texts);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The set shipped with the bench. */
    static DiscoveryEvalSet load() {
        JsonNode manifest = read("manifest.yaml");
        JsonNode subjects = read(required(manifest, "subjects", "manifest.yaml").asText());
        List<Contact> contacts = new ArrayList<>();
        for (JsonNode c : subjects.path("contacts")) {
            contacts.add(
                    new Contact(
                            required(c, "id", "a contact").asLong(),
                            text(c, "first_name"),
                            text(c, "last_name"),
                            text(c, "email"),
                            text(c, "phone"),
                            text(c, "mobile"),
                            text(c, "twitter_handle"),
                            required(c, "locale", "contact " + c.path("id")).asText()));
        }
        List<Agent> agents = new ArrayList<>();
        for (JsonNode a : subjects.path("agents")) {
            agents.add(
                    new Agent(
                            required(a, "id", "an agent").asLong(),
                            required(a, "name", "agent " + a.path("id")).asText(),
                            required(a, "email", "agent " + a.path("id")).asText()));
        }
        List<Text> texts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode file : required(manifest, "texts", "manifest.yaml")) {
            JsonNode f = read(file.asText());
            String language = required(f, "language", file.asText()).asText();
            for (JsonNode t : f.path("texts")) {
                String id = required(t, "id", file.asText() + ": a text").asText();
                if (!ids.add(id)) {
                    throw new IllegalArgumentException("text id " + id + " is used twice");
                }
                String writer = required(t, "writer", id).asText();
                String contact = t.hasNonNull("contact") ? t.get("contact").asText() : writer;
                String source = required(t, "source", id).asText();
                if (!SOURCES.contains(source)) {
                    throw new IllegalArgumentException(id + ": source must be one of " + SOURCES);
                }
                List<Annotation> pii = new ArrayList<>();
                for (JsonNode p : t.path("pii")) {
                    pii.add(
                            new Annotation(
                                    required(p, "kind", id).asText(),
                                    required(p, "written", id).asText(),
                                    required(p, "value", id).asText(),
                                    text(p, "region"),
                                    text(p, "subject")));
                }
                List<Annotation> negatives = new ArrayList<>();
                for (JsonNode n : t.path("negatives")) {
                    negatives.add(
                            new Annotation(
                                    required(n, "kind", id).asText(),
                                    required(n, "written", id).asText(),
                                    null,
                                    null,
                                    null));
                }
                texts.add(
                        text(
                                id,
                                language,
                                required(t, "locale", id).asText(),
                                source,
                                writer,
                                contact,
                                required(t, "text", id).asText(),
                                pii,
                                negatives));
            }
        }
        return new DiscoveryEvalSet(
                required(manifest, "version", "manifest.yaml").asInt(), contacts, agents, texts);
    }

    /**
     * A text with its annotations located: each annotation's {@code written} is looked up longest
     * first, at its first occurrence no other annotation of the same list has taken.
     *
     * @throws IllegalArgumentException if an annotation is not in the text, or personal data is of
     *     a kind not in {@link #KINDS}
     */
    static Text text(
            String id,
            String language,
            String locale,
            String source,
            String writer,
            String contact,
            String text,
            List<Annotation> pii,
            List<Annotation> negatives) {
        for (Annotation a : pii) {
            if (!KINDS.contains(a.kind())) {
                throw new IllegalArgumentException(
                        id + ": kind " + a.kind() + " is none of " + KINDS);
            }
        }
        List<int[]> piiSpans = locate(id, text, pii);
        List<Truth> truths = new ArrayList<>();
        for (int i = 0; i < pii.size(); i++) {
            Annotation a = pii.get(i);
            truths.add(
                    new Truth(
                            a.kind(),
                            a.written(),
                            a.value(),
                            a.region(),
                            a.subject(),
                            piiSpans.get(i)[0],
                            piiSpans.get(i)[1]));
        }
        List<int[]> negativeSpans = locate(id, text, negatives);
        List<Negative> negs = new ArrayList<>();
        for (int i = 0; i < negatives.size(); i++) {
            negs.add(
                    new Negative(
                            negatives.get(i).kind(),
                            negatives.get(i).written(),
                            negativeSpans.get(i)[0],
                            negativeSpans.get(i)[1]));
        }
        return new Text(
                id,
                language,
                locale,
                source,
                writer,
                contact,
                text,
                List.copyOf(truths),
                List.copyOf(negs));
    }

    /** The spans of {@code annotations} in {@code text}, in the annotations' order. */
    private static List<int[]> locate(String id, String text, List<Annotation> annotations) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < annotations.size(); i++) {
            order.add(i);
        }
        order.sort(
                Comparator.comparingInt((Integer i) -> -annotations.get(i).written().length())
                        .thenComparingInt(i -> i));
        int[][] spans = new int[annotations.size()][];
        List<int[]> taken = new ArrayList<>();
        for (int i : order) {
            String written = annotations.get(i).written();
            int at = text.indexOf(written);
            while (at >= 0 && overlapsAny(taken, at, at + written.length())) {
                at = text.indexOf(written, at + 1);
            }
            if (at < 0 || written.isEmpty()) {
                throw new IllegalArgumentException(
                        id
                                + ": \""
                                + written
                                + "\" ("
                                + annotations.get(i).kind()
                                + ") is not in the text, or each of its occurrences is annotated"
                                + " already");
            }
            spans[i] = new int[] {at, at + written.length()};
            taken.add(spans[i]);
        }
        return List.of(spans);
    }

    private static boolean overlapsAny(List<int[]> spans, int start, int end) {
        for (int[] s : spans) {
            if (s[0] < end && start < s[1]) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode read(String name) {
        try (InputStream in =
                DiscoveryEvalSet.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("not on the classpath: " + ROOT + name);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + ROOT + name, e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + " has no " + field);
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
