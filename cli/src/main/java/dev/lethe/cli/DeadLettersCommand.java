package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.audit.LetheActionEntries;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.jobs.kafka.ReplayPlan;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "deadletters",
        description = {
            "Lists the dead letters of a recent window: when, which job, the reason, the table,"
                    + " the detail and the source position (topic, partition, offset) of each, and"
                    + " counts by reason, source and table. Never the raw values.",
            "Lost coverage: dead letters (of the whole dead-letter topic) whose record the raw"
                    + " topics no longer hold, by position, and whether the letter can still be"
                    + " replayed. ./lethe deadletters replay feeds letters back through the jobs.",
            "Exit code 0 (dead letters are data to act on, not an error)."
        },
        mixinStandardHelpOptions = true,
        subcommands = DeadLettersCommand.Replay.class)
final class DeadLettersCommand implements Callable<Integer> {

    /** How long reading a whole dead-letter or replay topic may take. */
    static final Duration READ_WITHIN = Duration.ofSeconds(60);

    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How far back (default ${DEFAULT-VALUE}).")
    Duration since = Duration.ofHours(24);

    @Option(names = "--reason", description = "Only this reason code (e.g. MALFORMED_JSON).")
    String reason;

    @Option(names = "--table", description = "Only dead letters of this table's raw topic.")
    String table;

    @Option(names = "--topic", description = "The dead-letter topic (default ${DEFAULT-VALUE}).")
    String topic = JobSettings.DEFAULT_DEAD_LETTER_TOPIC;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        Properties client = s.kafkaClient();
        RecentDeadLetters read = RecentDeadLetters.read(client, topic, Instant.now().minus(since));
        List<RecentDeadLetters.Letter> letters =
                read.letters().stream()
                        .filter(l -> reason == null || reason.equals(l.reason()))
                        .filter(l -> table == null || table.equals(l.table()))
                        .toList();
        List<LostCoverage.Lost> lost = lostCoverage(client);
        if (json) {
            ObjectNode root = json(read, letters);
            root.set("lostCoverage", lostJson(lost));
            System.out.println(
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return 0;
        }
        System.out.println(
                read.total()
                        + " dead letters since "
                        + read.since()
                        + " by reason "
                        + read.byReason()
                        + ", by table "
                        + read.byTable());
        if (!letters.isEmpty()) {
            System.out.printf(
                    "%-24s %-20s %-22s %-18s %-40s %-10s %s%n",
                    "FAILED AT", "JOB", "REASON", "TABLE", "SOURCE", "REPLAY", "DETAIL");
        }
        for (RecentDeadLetters.Letter l : letters) {
            System.out.printf(
                    "%-24s %-20s %-22s %-18s %-40s %-10s %s%n",
                    l.failedAt(),
                    l.job(),
                    l.reason(),
                    l.table() == null ? "-" : l.table(),
                    l.sourceTopic() + "-" + l.sourcePartition() + "@" + l.sourceOffset(),
                    l.replayable() ? "yes" : "no",
                    l.detail());
        }
        if (read.total() > read.letters().size()) {
            System.out.println(
                    "("
                            + (read.total() - read.letters().size())
                            + " more not listed; narrow --since)");
        }
        if (lost.isEmpty()) {
            System.out.println(
                    "Lost coverage: none (every dead letter's record is still in its topic)");
        } else {
            System.out.println(
                    "Lost coverage: "
                            + lost.size()
                            + " dead letters whose record the raw topics no longer hold:");
            for (LostCoverage.Lost l : lost) {
                System.out.println(
                        "  "
                                + l.letter().source()
                                + " (earliest now "
                                + l.earliestOffset()
                                + ") "
                                + l.letter().reason()
                                + " "
                                + l.letter().job()
                                + " letter "
                                + l.letter().position()
                                + ": "
                                + l.state());
            }
        }
        return 0;
    }

    /** The lost coverage of the whole dead-letter topic, with this command's filters. */
    private List<LostCoverage.Lost> lostCoverage(Properties client) {
        List<LostCoverage.Letter> all = new ArrayList<>();
        DeadLetterTopic.readLetters(
                client,
                topic,
                null,
                READ_WITHIN,
                (r, d) -> {
                    if (d != null
                            && (reason == null || reason.equals(d.getReason()))
                            && (table == null
                                    || table.equals(
                                            Replays.table(
                                                            d.getSourceTopic(),
                                                            JobSettings.DEFAULT_RAW_TOPIC_PREFIX)
                                                    .orElse(null)))) {
                        all.add(
                                LostCoverage.Letter.of(
                                        Replays.position(r.topic(), r.partition(), r.offset()),
                                        d,
                                        JobSettings.DEFAULT_RAW_TOPIC_PREFIX));
                    }
                });
        return LostCoverage.find(
                all, LostCoverage.earliest(client, LostCoverage.sources(all)), replaysMade(client));
    }

    /**
     * What {@code deadletters --json} prints (and Lethe's server answers at {@code
     * /api/v1/dead-letters}): counts by reason, source and table, and each letter's reason, table
     * and positions, never its raw key or value.
     */
    static ObjectNode json(RecentDeadLetters read, List<RecentDeadLetters.Letter> letters) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("since", read.since().toString());
        root.put("total", read.total());
        ObjectNode reasons = root.putObject("byReason");
        read.byReason().forEach(reasons::put);
        ObjectNode sources = root.putObject("bySource");
        read.bySource().forEach(sources::put);
        ObjectNode tables = root.putObject("byTable");
        read.byTable().forEach(tables::put);
        ArrayNode list = root.putArray("letters");
        for (RecentDeadLetters.Letter l : letters) {
            ObjectNode n = list.addObject();
            n.put("failedAt", l.failedAt().toString());
            n.put("job", l.job());
            n.put("reason", l.reason());
            n.put("detail", l.detail());
            n.put("sourceTopic", l.sourceTopic());
            n.put("sourcePartition", l.sourcePartition());
            n.put("sourceOffset", l.sourceOffset());
            n.put("table", l.table());
            n.put("deadLetter", l.position());
            n.put("replayable", l.replayable());
        }
        return root;
    }

    /** {@code lostCoverage} of {@code deadletters --json}. */
    static ObjectNode lostJson(List<LostCoverage.Lost> lost) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("total", lost.size());
        root.put(
                "replayable",
                lost.stream().filter(l -> l.state().startsWith("replayable")).count());
        ArrayNode list = root.putArray("letters");
        for (LostCoverage.Lost l : lost) {
            ObjectNode n = list.addObject();
            n.put("failedAt", l.letter().failedAt().toString());
            n.put("job", l.letter().job());
            n.put("reason", l.letter().reason());
            n.put("table", l.letter().table());
            n.put("sourceTopic", l.letter().sourceTopic());
            n.put("sourcePartition", l.letter().sourcePartition());
            n.put("sourceOffset", l.letter().sourceOffset());
            n.put("earliestOffset", l.earliestOffset());
            n.put("deadLetter", l.letter().position());
            n.put("replayable", l.letter().replayable() && !l.replayed());
            n.put("replayed", l.replayed());
        }
        return root;
    }

    /** The replays made so far, read back from {@value Replays#TOPIC} (headers only). */
    static List<ReplayPlan.Made> replaysMade(Properties client) {
        List<ReplayPlan.Made> made = new ArrayList<>();
        boolean complete =
                DeadLetterTopic.read(
                        client,
                        Replays.TOPIC,
                        null,
                        READ_WITHIN,
                        r -> {
                            String letter = Replays.deadLetterOf(r.headers());
                            String job = Replays.jobOf(r.headers());
                            String source = Replays.sourceOf(r.headers());
                            if (letter != null && job != null && source != null) {
                                made.add(
                                        new ReplayPlan.Made(
                                                letter,
                                                job,
                                                source,
                                                Instant.ofEpochMilli(r.timestamp())));
                            }
                        });
        if (!complete) {
            throw new IllegalStateException(
                    Replays.TOPIC + " could not be read to its end within " + READ_WITHIN);
        }
        return made;
    }

    /**
     * {@code ./lethe deadletters replay}: feeds dead letters back through the jobs that wrote them,
     * once their cause is fixed, exactly once, and records the replay in the audit log.
     */
    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Feeds the dead letters of one reason back through the jobs that wrote them (the"
                        + " audit or discovery job's normalizer), once the cause is fixed: each"
                        + " letter's raw record goes to "
                        + Replays.TOPIC
                        + ", and the job takes it as the original change, at its original"
                        + " position. Each letter once: letters replayed before are skipped. A"
                        + " replay that fails again is a new dead letter, replayable later.",
                "The replay (who, the reason code, how many, the records' positions) is recorded"
                        + " in the audit log (kind deadletter-replay, chain deadletters/<reason>)"
                        + " in the same Kafka transaction as the replays. Never values.",
                "A job takes only replays of records it rejected itself, byte for byte (a job"
                        + " started afresh re-reads the raw topics instead)."
            })
    static final class Replay implements Callable<Integer> {

        /** The transactional id of the replays: a second replay fences an unfinished first. */
        static final String TRANSACTIONAL_ID = "lethe-deadletter-replay";

        @Option(
                names = "--reason",
                required = true,
                description = "The reason code whose dead letters to replay (e.g. SCHEMA_CHANGE).")
        String reason;

        @Option(
                names = "--since",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Only dead letters written this recently (default: all kept).")
        Duration since;

        @Option(names = "--table", description = "Only dead letters of this table's raw topic.")
        String table;

        @Option(names = "--dry-run", description = "Say what would be replayed; replay nothing.")
        boolean dryRun;

        @Option(
                names = "--replayed-by",
                description = "Who replays, kept in the audit log (default: the OS user).")
        String replayedBy = System.getProperty("user.name");

        @Option(
                names = "--note",
                description = "Why now (e.g. the fix's reference), kept in the audit log for good.")
        String note;

        @Option(
                names = "--topic",
                description = "The dead-letter topic (default ${DEFAULT-VALUE}).")
        String topic = JobSettings.DEFAULT_DEAD_LETTER_TOPIC;

        @Mixin StackOptions options;

        @Override
        public Integer call() throws Exception {
            if (!REASON.matcher(reason).matches()) {
                throw new IllegalArgumentException(
                        "--reason takes a reason code as ./lethe deadletters lists it (e.g."
                                + " SCHEMA_CHANGE)");
            }
            if (table != null && !TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException("--table takes a table name (e.g. contacts)");
            }
            if (replayedBy == null || replayedBy.isBlank() || replayedBy.indexOf('@') >= 0) {
                throw new IllegalArgumentException(
                        "--replayed-by is kept in the audit log for good: give a user name or"
                                + " staff id, not an email address");
            }
            PersonalDataInText.requireNone("--note", note);
            StackSettings s = options.resolve();
            Properties client = s.kafkaClient();
            Instant now = Instant.now();
            Instant from = since == null ? null : now.minus(since);
            String prefix = JobSettings.DEFAULT_RAW_TOPIC_PREFIX;

            KafkaProducer<byte[], byte[]> producer = null;
            try {
                if (!dryRun) {
                    LetheTopics.ensure(
                            client,
                            dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                            List.of(AuditJob.AUDIT_REQUESTS_TOPIC),
                            List.of(Replays.TOPIC));
                    producer = producer(client);
                    // fences an unfinished replay, and completes or aborts what it wrote, before
                    // the replays made are read back
                    producer.initTransactions();
                }
                List<ReplayPlan.Made> made = replaysMade(client);
                List<ReplayPlan.Letter> letters = new ArrayList<>();
                boolean complete =
                        DeadLetterTopic.readLetters(
                                client,
                                topic,
                                from,
                                READ_WITHIN,
                                (r, d) -> {
                                    if (d != null && reason.equals(d.getReason())) {
                                        letters.add(
                                                new ReplayPlan.Letter(
                                                        r.topic(), r.partition(), r.offset(), d));
                                    }
                                });
                if (!complete) {
                    throw new IllegalStateException(
                            topic + " could not be read to its end within " + READ_WITHIN);
                }
                ReplayPlan plan =
                        ReplayPlan.of(
                                letters,
                                made,
                                new ReplayPlan.Selection(reason, from, table),
                                prefix);
                System.out.println(summary(plan));
                if (plan.replay().isEmpty()) {
                    System.out.println("Nothing to replay.");
                    return 0;
                }
                if (dryRun) {
                    for (ReplayPlan.Letter l : plan.replay()) {
                        System.out.println(
                                "  would replay "
                                        + l.position()
                                        + " ("
                                        + l.letter().getJob()
                                        + ") of "
                                        + l.source());
                    }
                    return 0;
                }
                producer.beginTransaction();
                for (ReplayPlan.Letter l : plan.replay()) {
                    producer.send(Replays.record(l.letter(), l.topic(), l.partition(), l.offset()));
                }
                producer.send(
                        new ProducerRecord<>(
                                AuditJob.AUDIT_REQUESTS_TOPIC,
                                LetheActionEntries.deadLetterEntity(reason)
                                        .getBytes(StandardCharsets.UTF_8),
                                AuditRequests.deadLetterReplayRecord(
                                        reason, replayedBy, note, now, table, from, plan)));
                producer.commitTransaction();
                System.out.println(
                        "Replayed "
                                + plan.replay().size()
                                + " dead letters of "
                                + reason
                                + " "
                                + byJob(plan)
                                + "; recorded in the audit log (chain "
                                + LetheActionEntries.deadLetterEntity(reason)
                                + "). A replay that fails again is a new dead letter:"
                                + " ./lethe deadletters --reason "
                                + reason);
                return 0;
            } finally {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(10));
                }
            }
        }

        private static KafkaProducer<byte[], byte[]> producer(Properties client) {
            Properties p = new Properties();
            p.putAll(client);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
            p.put(
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    String.valueOf(TimeUnit.MINUTES.toMillis(5)));
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            LetheTopics.withMessageLimit(p);
            return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
    }

    /** {@code 3 dead letters of SCHEMA_CHANGE to replay; 2 replayed before; ...}. */
    static String summary(ReplayPlan plan) {
        return plan.replay().size()
                + " to replay "
                + byJob(plan)
                + "; "
                + plan.alreadyReplayed()
                + " replayed before, "
                + plan.duplicates()
                + " copies of one replayed now, "
                + plan.notReplayable()
                + " not replayable (no raw record kept, or not a normalizer's letter of a"
                + " table)";
    }

    /** Replays per job, {@code {audit=2, discovery=1}}. */
    static Map<String, Long> byJob(ReplayPlan plan) {
        Map<String, Long> jobs = new TreeMap<>();
        for (ReplayPlan.Letter l : plan.replay()) {
            jobs.merge(Replays.target(l.letter().getJob()).orElse("?"), 1L, Long::sum);
        }
        return jobs;
    }
}
