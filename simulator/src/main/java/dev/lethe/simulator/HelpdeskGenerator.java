package dev.lethe.simulator;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
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
import dev.lethe.simulator.TextComposer.Person;
import dev.lethe.simulator.TextComposer.Placed;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import net.datafaker.Faker;
import net.datafaker.providers.base.Finance.CreditCardType;

/**
 * A realistic, multilingual helpdesk, the same for the same seed: accounts, agents, custom fields
 * (two of them encrypted), contacts from ten locales, and per contact tickets, threads, comments,
 * attachments and consents whose free text carries the contact's own and other contacts' personal
 * data. Everything placed is reported as {@link GroundTruthItem}s.
 *
 * <p>Generation is pure (an {@link Iterator} of {@link ContactBundle}s, no database); {@link
 * #seed(DataSource, int, long, Path)} writes it to a helpdesk database in batched transactions.
 * Refs of "other" contacts always point to contacts generated earlier.
 */
public final class HelpdeskGenerator implements Iterator<ContactBundle> {

    /** Custom fields: name, label, type, encrypted. */
    static final String FIELD_IBAN = "iban";

    static final String FIELD_NATIONAL_ID = "national_id";
    static final String FIELD_TIER = "customer_tier";
    static final String FIELD_PRODUCT = "product";

    private static final Set<String> ALL_COUNTRIES =
            Stream.of(ContactLocale.values())
                    .map(ContactLocale::country)
                    .collect(Collectors.toUnmodifiableSet());
    private static final List<String> STATUSES =
            List.of("open", "pending", "on_hold", "solved", "closed");
    private static final int[] STATUS_WEIGHTS = {20, 10, 5, 25, 40};
    private static final List<String> CHANNELS =
            List.of("email", "phone", "chat", "web", "twitter");
    private static final int[] CHANNEL_WEIGHTS = {50, 15, 15, 15, 5};
    private static final int[] TICKETS_PER_CONTACT_WEIGHTS = {10, 35, 30, 15, 10};
    private static final List<String> PURPOSES =
            List.of(
                    "marketing_email",
                    "newsletter",
                    "phone_calls",
                    "product_research",
                    "profiling");
    private static final List<String> CONSENT_FORMS =
            List.of("signup-form", "portal-settings", "checkout", "phone-call");
    private static final List<String> CONSENT_SOURCES = List.of("web", "email", "phone", "import");
    private static final List<String> TIERS = List.of("free", "standard", "gold", "enterprise");
    private static final List<String> PRODUCTS =
            List.of("webshop", "mobile-app", "subscription", "hardware", "gift-card");
    private static final int OTHER_CONTACTS_POOL = 2_000;
    private static final long MAX_AGE_DAYS = 6 * 365;
    private static final String SUPPORT_ADDRESS = "support@helpdesk.example";

    private final Random random;
    private final Map<ContactLocale, Faker> fakers = new EnumMap<>(ContactLocale.class);
    private final int contacts;
    private final Instant now;
    private final ReferenceData referenceData;
    private final Set<String> takenEmails = new HashSet<>();
    private final Set<String> takenHandles = new HashSet<>();
    private final ArrayDeque<Person> recentPeople = new ArrayDeque<>();
    private final int localeWeightTotal;

    private int generated;
    private long ticketRef;
    private long threadRef;
    private long commentRef;
    private long attachmentRef;
    private long consentRef;

    /**
     * @param seed the same seed gives the same helpdesk
     * @param contacts how many contacts {@link #next()} yields
     * @param now the generated history (created/closed timestamps) ends here
     */
    public HelpdeskGenerator(long seed, int contacts, Instant now) {
        this(seed, contacts, now, List.of());
    }

    /**
     * @param unavailableEmails addresses already in use (contacts and agents): never generated
     */
    public HelpdeskGenerator(
            long seed, int contacts, Instant now, Collection<String> unavailableEmails) {
        this(seed, contacts, now, unavailableEmails, contacts);
    }

    /** {@code referenceScale}: the number of contacts accounts and agents are sized for. */
    HelpdeskGenerator(
            long seed,
            int contacts,
            Instant now,
            Collection<String> unavailableEmails,
            int referenceScale) {
        if (contacts < 0) {
            throw new IllegalArgumentException("contacts must be >= 0, was " + contacts);
        }
        this.random = new Random(seed);
        this.contacts = contacts;
        this.now = now.truncatedTo(ChronoUnit.MILLIS);
        this.takenEmails.addAll(unavailableEmails);
        int total = 0;
        for (ContactLocale locale : ContactLocale.values()) {
            fakers.put(locale, new Faker(locale.fakerLocale(), random));
            total += locale.weight();
        }
        this.localeWeightTotal = total;
        this.referenceData = generateReferenceData(referenceScale);
    }

    /**
     * Generates {@code contacts} contacts with their data and writes them to the helpdesk, in
     * transactions of a few hundred contacts each, each started by a {@link Actor#SYSTEM} actor.
     *
     * @param groundTruth where to write the ground-truth JSON lines; null for none
     */
    public static SeedResult seed(DataSource dataSource, int contacts, long seed, Path groundTruth)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return seed(connection, contacts, seed, groundTruth);
        }
    }

    /** As {@link #seed(DataSource, int, long, Path)}; the connection's auto-commit is restored. */
    public static SeedResult seed(Connection connection, int contacts, long seed, Path groundTruth)
            throws SQLException {
        return HelpdeskWriter.seed(connection, contacts, seed, groundTruth);
    }

    public ReferenceData referenceData() {
        return referenceData;
    }

    @Override
    public boolean hasNext() {
        return generated < contacts;
    }

    @Override
    public ContactBundle next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        generated++;
        return generateContact(generated);
    }

    // ---------------------------------------------------------------- for the load tool

    /** A subject line written by {@code self} (may carry their personal data). */
    String subjectFor(Person self, ContactLocale locale) {
        TextComposer subject = new TextComposer(random);
        HelpdeskTexts.Phrases phrases = HelpdeskTexts.phrases(locale.language());
        return subject.fill(subject.pick(phrases.subjects(), self, null), self, null, null).text();
    }

    /** A first message from {@code self}, sometimes mentioning a recently generated contact. */
    String messageFrom(Person self, ContactLocale locale) {
        Person other = random.nextInt(100) < 30 ? otherPerson() : null;
        return customerMessage(
                        HelpdeskTexts.phrases(locale.language()), self, other, fakers.get(locale))
                .text();
    }

    /** An agent's reply to {@code self}. */
    String replyTo(Person self, ContactLocale locale) {
        return agentReply(HelpdeskTexts.phrases(locale.language()), self).text();
    }

    /** An internal agent note about {@code self}. */
    String noteAbout(Person self, ContactLocale locale) {
        TextComposer note = new TextComposer(random);
        Person other = random.nextBoolean() ? otherPerson() : null;
        String template = note.pick(HelpdeskTexts.NOTES, self, other);
        return note.fill(
                        template,
                        self,
                        other,
                        template.contains("{card}") ? card(fakers.get(locale)) : null)
                .text();
    }

    /** A valid new phone number of the locale's country. */
    PhoneNumber phoneFor(ContactLocale locale, boolean mobile) {
        return PhoneNumbers.next(locale.country(), mobile, random);
    }

    /** An IBAN for a contact of {@code locale}. */
    String ibanFor(ContactLocale locale) {
        return iban(fakers.get(locale), locale);
    }

    /** The ticket statuses, in the schema's CHECK order. */
    static List<String> statuses() {
        return STATUSES;
    }

    // ---------------------------------------------------------------- reference data

    private ReferenceData generateReferenceData(int scale) {
        List<Account> accounts = new ArrayList<>();
        int accountCount = Math.max(3, Math.min(20_000, scale / 25));
        Set<String> domains = new HashSet<>();
        for (int i = 1; i <= accountCount; i++) {
            ContactLocale locale = pickLocale();
            String name = fakers.get(locale).company().name();
            String domain =
                    unique(
                            domains,
                            slug(PersonNames.ascii(name, locale.language())),
                            "." + topLevelDomain(locale));
            accounts.add(new Account(i, name, domain, locale.region(), past(MAX_AGE_DAYS + 365)));
        }
        List<Agent> agents = new ArrayList<>();
        int agentCount = Math.max(3, Math.min(50, scale / 200 + 5));
        for (int i = 1; i <= agentCount; i++) {
            ContactLocale locale = random.nextInt(3) == 0 ? ContactLocale.EN_GB : pickLocale();
            if (locale.japanese()) {
                locale = ContactLocale.EN_GB;
            }
            var name = PersonNames.next(locale, fakers.get(locale), random);
            String email =
                    uniqueEmail(
                            name.asciiFirst() + "." + name.asciiLast(), "support.helpdesk.example");
            agents.add(
                    new Agent(
                            i,
                            name.first() + " " + name.last(),
                            email,
                            i == 1 ? "admin" : (i % 5 == 0 ? "lead" : "agent"),
                            past(MAX_AGE_DAYS)));
        }
        List<CustomFieldDefinition> fields =
                List.of(
                        new CustomFieldDefinition(1, FIELD_IBAN, "Refund IBAN", "text", true),
                        new CustomFieldDefinition(
                                2, FIELD_NATIONAL_ID, "National ID number", "text", true),
                        new CustomFieldDefinition(
                                3, FIELD_TIER, "Customer tier", "dropdown", false),
                        new CustomFieldDefinition(4, FIELD_PRODUCT, "Product", "dropdown", false));
        return new ReferenceData(List.copyOf(accounts), List.copyOf(agents), fields);
    }

    // ---------------------------------------------------------------- contacts

    private ContactBundle generateContact(long ref) {
        ContactLocale locale = pickLocale();
        Faker faker = fakers.get(locale);
        var name = PersonNames.next(locale, faker, random);
        Long accountRef = null;
        String domain = oneOf(locale.mailDomains());
        if (random.nextInt(10) < 4) {
            Account account = oneOf(referenceData.accounts());
            accountRef = account.ref();
            if (random.nextBoolean()) {
                domain = account.domain();
            }
        }
        String email = uniqueEmail(localPart(name), domain);
        PhoneNumber phone =
                random.nextInt(100) < 75
                        ? PhoneNumbers.next(locale.country(), false, random)
                        : null;
        PhoneNumber mobile =
                random.nextInt(100) < 70 ? PhoneNumbers.next(locale.country(), true, random) : null;
        String handle = random.nextInt(100) < 50 ? uniqueHandle(name) : null;
        String iban = iban(faker, locale);
        Person self =
                new Person(
                        ref,
                        email,
                        name.first(),
                        name.last(),
                        locale.japanese(),
                        locale.country(),
                        phone,
                        mobile,
                        handle,
                        iban);
        Instant contactCreated = past(MAX_AGE_DAYS);
        Contact contact =
                new Contact(
                        ref,
                        accountRef,
                        name.first(),
                        name.last(),
                        email,
                        phone == null ? null : PhoneNumbers.format(phone, storedStyle()),
                        mobile == null ? null : PhoneNumbers.format(mobile, storedStyle()),
                        handle,
                        locale.tag(),
                        locale.region(),
                        contactCreated);

        List<GroundTruthItem> truth = new ArrayList<>();
        declared(truth, self, "contacts", ref, "first_name", GroundTruthItem.NAME, name.first());
        declared(truth, self, "contacts", ref, "last_name", GroundTruthItem.NAME, name.last());
        declared(truth, self, "contacts", ref, "email", GroundTruthItem.EMAIL, email);
        declared(truth, self, "contacts", ref, "phone", GroundTruthItem.PHONE, contact.phone());
        declared(truth, self, "contacts", ref, "mobile", GroundTruthItem.PHONE, contact.mobile());
        declared(truth, self, "contacts", ref, "twitter_handle", GroundTruthItem.HANDLE, handle);

        List<Ticket> tickets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Comment> comments = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        int ticketCount = weighted(TICKETS_PER_CONTACT_WEIGHTS);
        for (int t = 0; t < ticketCount; t++) {
            generateTicket(
                    self,
                    locale,
                    faker,
                    contactCreated,
                    truth,
                    tickets,
                    threads,
                    comments,
                    attachments);
        }
        List<Consent> consents = generateConsents(ref, contactCreated);

        remember(self);
        return new ContactBundle(
                contact,
                List.copyOf(tickets),
                List.copyOf(threads),
                List.copyOf(comments),
                List.copyOf(attachments),
                consents,
                List.copyOf(truth));
    }

    private void generateTicket(
            Person self,
            ContactLocale locale,
            Faker faker,
            Instant contactCreated,
            List<GroundTruthItem> truth,
            List<Ticket> tickets,
            List<Thread> threads,
            List<Comment> comments,
            List<Attachment> attachments) {
        long ref = ++ticketRef;
        HelpdeskTexts.Phrases phrases = HelpdeskTexts.phrases(locale.language());
        Instant created = between(contactCreated, now);
        String status = STATUSES.get(weighted(STATUS_WEIGHTS));
        Instant closed = null;
        if (status.equals("solved") || status.equals("closed")) {
            closed = min(created.plus(minutes(60, 30 * 24 * 60)), now);
        }
        Instant updated = closed != null ? closed : between(created, now);
        Long agentRef = status.equals("open") && random.nextBoolean() ? null : agentRef();

        Person other = random.nextInt(100) < 30 ? otherPerson() : null;
        TextComposer subject = new TextComposer(random);
        subject.fill(subject.pick(phrases.subjects(), self, null), self, null, null);
        TextComposer description = customerMessage(phrases, self, other, faker);
        placed(truth, subject, "tickets", ref, "subject");
        placed(truth, description, "tickets", ref, "description");

        Map<String, String> customFields = new LinkedHashMap<>();
        customFields.put(FIELD_TIER, oneOf(TIERS));
        customFields.put(FIELD_PRODUCT, oneOf(PRODUCTS));
        if (random.nextInt(100) < 20) {
            customFields.put(FIELD_IBAN, self.iban());
            declared(
                    truth,
                    self,
                    "tickets",
                    ref,
                    "custom_fields." + FIELD_IBAN,
                    GroundTruthItem.IBAN,
                    self.iban());
        }
        String nationalId = nationalId(locale, faker);
        if (nationalId != null && random.nextInt(100) < 30) {
            customFields.put(FIELD_NATIONAL_ID, nationalId);
            declared(
                    truth,
                    self,
                    "tickets",
                    ref,
                    "custom_fields." + FIELD_NATIONAL_ID,
                    GroundTruthItem.NATIONAL_ID,
                    nationalId);
        }
        tickets.add(
                new Ticket(
                        ref,
                        self.ref(),
                        agentRef,
                        subject.text(),
                        description.text(),
                        status,
                        CHANNELS.get(weighted(CHANNEL_WEIGHTS)),
                        Map.copyOf(customFields),
                        created,
                        updated,
                        closed));

        // the conversation: the customer's message, then replies back and forth
        int threadCount = 1 + random.nextInt(3);
        Instant at = created;
        Long firstThread = null;
        for (int i = 0; i < threadCount; i++) {
            long threadRefNow = ++threadRef;
            firstThread = firstThread == null ? threadRefNow : firstThread;
            boolean inbound = i % 2 == 0;
            TextComposer content =
                    inbound
                            ? (i == 0
                                    ? customerMessage(phrases, self, other, faker)
                                    : customerFollowUp(phrases, self))
                            : agentReply(phrases, self);
            String agentEmail = agentEmail(agentRef);
            String from = inbound ? self.email() : agentEmail;
            String to = inbound ? SUPPORT_ADDRESS : self.email();
            threads.add(
                    new Thread(
                            threadRefNow,
                            ref,
                            inbound ? "in" : "out",
                            from,
                            to,
                            content.text(),
                            at));
            String column = inbound ? "from_address" : "to_address";
            declared(
                    truth,
                    self,
                    "threads",
                    threadRefNow,
                    column,
                    GroundTruthItem.EMAIL,
                    self.email());
            placed(truth, content, "threads", threadRefNow, "content");
            at = min(at.plus(minutes(5, 3 * 24 * 60)), now);
        }

        int commentCount = random.nextInt(3);
        for (int i = 0; i < commentCount; i++) {
            long commentRefNow = ++commentRef;
            Person mentioned = random.nextBoolean() ? otherPerson() : null;
            TextComposer note = new TextComposer(random);
            String template = note.pick(HelpdeskTexts.NOTES, self, mentioned);
            note.fill(template, self, mentioned, template.contains("{card}") ? card(faker) : null);
            comments.add(
                    new Comment(
                            commentRefNow,
                            ref,
                            agentRef(),
                            random.nextInt(5) == 0,
                            note.text(),
                            min(created.plus(minutes(10, 5 * 24 * 60)), now)));
            placed(truth, note, "comments", commentRefNow, "content");
        }

        if (random.nextInt(100) < 30) {
            long attachmentRefNow = ++attachmentRef;
            TextComposer fileName = new TextComposer(random);
            fileName.fill(fileName.pick(HelpdeskTexts.FILE_NAMES, self, null), self, null, null);
            String name = fileName.text();
            attachments.add(
                    new Attachment(
                            attachmentRefNow,
                            ref,
                            firstThread,
                            name,
                            contentType(name),
                            1_024L + random.nextInt(4 * 1024 * 1024),
                            "attachments/" + letters(24),
                            created));
            placed(truth, fileName, "attachments", attachmentRefNow, "file_name");
        }
    }

    private TextComposer customerMessage(
            HelpdeskTexts.Phrases phrases, Person self, Person other, Faker faker) {
        TextComposer text = new TextComposer(random);
        String sep = self.japanese() ? "" : " ";
        text.literal(oneOf(phrases.greetings())).literal("\n\n").literal(oneOf(phrases.bodies()));
        if (random.nextInt(100) < 70) {
            String t = text.pick(phrases.selfData(), self, null);
            if (t != null) {
                text.literal(sep).fill(t, self, null, null);
            }
        }
        if (other != null) {
            String t = text.pick(phrases.otherData(), self, other);
            if (t != null) {
                text.literal(sep).fill(t, self, other, null);
            }
        }
        if (random.nextInt(100) < 12) {
            String t = oneOf(phrases.payment());
            text.literal(sep).fill(t, self, null, t.contains("{card}") ? card(faker) : null);
        }
        text.literal("\n\n").fill(oneOf(phrases.closings()), self, null, null);
        return text;
    }

    private TextComposer customerFollowUp(HelpdeskTexts.Phrases phrases, Person self) {
        TextComposer text = new TextComposer(random);
        text.literal(oneOf(phrases.bodies()));
        String t = text.pick(phrases.selfData(), self, null);
        if (t != null && random.nextBoolean()) {
            text.literal(self.japanese() ? "" : " ").fill(t, self, null, null);
        }
        text.literal("\n").fill(oneOf(phrases.closings()), self, null, null);
        return text;
    }

    private TextComposer agentReply(HelpdeskTexts.Phrases phrases, Person self) {
        TextComposer text = new TextComposer(random);
        text.fill(text.pick(phrases.replies(), self, null), self, null, null);
        return text;
    }

    private List<Consent> generateConsents(long contactRef, Instant contactCreated) {
        List<String> purposes = new ArrayList<>(PURPOSES);
        int count = 1 + random.nextInt(3);
        List<Consent> consents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String purpose = purposes.remove(random.nextInt(purposes.size()));
            consents.add(
                    new Consent(
                            ++consentRef,
                            contactRef,
                            purpose,
                            random.nextInt(100) < 65,
                            oneOf(CONSENT_FORMS),
                            oneOf(CONSENT_SOURCES),
                            between(contactCreated, now)));
        }
        return List.copyOf(consents);
    }

    // ---------------------------------------------------------------- personal data values

    private String localPart(PersonNames.PersonName name) {
        String f = name.asciiFirst();
        String l = name.asciiLast();
        return switch (random.nextInt(6)) {
            case 0, 1 -> f + "." + l;
            case 2 -> f + l;
            case 3 -> f.charAt(0) + "." + l;
            case 4 -> f + "_" + l;
            default -> l + "." + f;
        };
    }

    private String uniqueEmail(String localPart, String domain) {
        String email = localPart + "@" + domain;
        for (int n = 2; !takenEmails.add(email); n++) {
            email = localPart + n + "@" + domain;
        }
        return email;
    }

    private String uniqueHandle(PersonNames.PersonName name) {
        String base =
                switch (random.nextInt(3)) {
                    case 0 -> name.asciiFirst() + "_" + name.asciiLast();
                    case 1 -> name.asciiFirst() + name.asciiLast();
                    default -> name.asciiFirst().charAt(0) + name.asciiLast();
                };
        base = base.length() > 12 ? base.substring(0, 12) : base;
        String handle = "@" + base;
        for (int n = 2; !takenHandles.add(handle); n++) {
            handle = "@" + base + n;
        }
        return handle;
    }

    /** A valid IBAN of the locale's country (German for Japan), compact or in groups of four. */
    private String iban(Faker faker, ContactLocale locale) {
        String country = locale.japanese() ? "DE" : locale.country();
        for (int attempt = 0; ; attempt++) {
            String compact = faker.finance().iban(country);
            String written = random.nextBoolean() ? compact : grouped(compact, 4, " ");
            if (!PatternGuard.looksLikeCard(written)
                    && !PatternGuard.containsPhone(written, ALL_COUNTRIES)) {
                return written;
            }
            if (attempt > 100) {
                throw new IllegalStateException("no IBAN free of other patterns for " + country);
            }
        }
    }

    /** A Luhn-valid Visa or Mastercard number, written plain, with spaces or with dashes. */
    private String card(Faker faker) {
        for (int attempt = 0; ; attempt++) {
            CreditCardType type =
                    random.nextBoolean() ? CreditCardType.VISA : CreditCardType.MASTERCARD;
            String digits = PatternGuard.digits(faker.finance().creditCard(type));
            String written =
                    switch (random.nextInt(3)) {
                        case 0 -> digits;
                        case 1 -> grouped(digits, 4, " ");
                        default -> grouped(digits, 4, "-");
                    };
            if (!PatternGuard.containsPhone(written, ALL_COUNTRIES)) {
                return written;
            }
            if (attempt > 100) {
                throw new IllegalStateException("no card number free of phone patterns");
            }
        }
    }

    private String nationalId(ContactLocale locale, Faker faker) {
        return switch (locale) {
            case PL_PL -> faker.idNumber().peselNumber();
            case SV_SE -> faker.idNumber().validSvSeSsn();
            default -> null;
        };
    }

    // ---------------------------------------------------------------- helpers

    private void placed(
            List<GroundTruthItem> truth, TextComposer text, String table, long row, String column) {
        for (Placed p : text.placed()) {
            truth.add(
                    GroundTruthItem.inText(
                            p.subject().ref(),
                            p.subject().email(),
                            table,
                            row,
                            column,
                            p.kind(),
                            p.value(),
                            p.start()));
        }
    }

    private static void declared(
            List<GroundTruthItem> truth,
            Person subject,
            String table,
            long row,
            String column,
            String declaredAs,
            String value) {
        if (value != null) {
            truth.add(
                    GroundTruthItem.declared(
                            subject.ref(), subject.email(), table, row, column, declaredAs, value));
        }
    }

    private void remember(Person person) {
        recentPeople.addLast(person);
        if (recentPeople.size() > OTHER_CONTACTS_POOL) {
            recentPeople.removeFirst();
        }
    }

    private Person otherPerson() {
        if (recentPeople.isEmpty()) {
            return null;
        }
        int index = random.nextInt(recentPeople.size());
        Iterator<Person> it = recentPeople.descendingIterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        return it.next();
    }

    private Long agentRef() {
        return oneOf(referenceData.agents()).ref();
    }

    private String agentEmail(Long agentRef) {
        List<Agent> agents = referenceData.agents();
        return agentRef == null ? SUPPORT_ADDRESS : agents.get((int) (agentRef - 1)).email();
    }

    /** One of {@code choices}, drawn from the generator's random sequence. */
    private <T> T oneOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private ContactLocale pickLocale() {
        int r = random.nextInt(localeWeightTotal);
        for (ContactLocale locale : ContactLocale.values()) {
            r -= locale.weight();
            if (r < 0) {
                return locale;
            }
        }
        throw new AssertionError();
    }

    private int weighted(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        throw new AssertionError();
    }

    private PhoneNumbers.Style storedStyle() {
        PhoneNumbers.Style[] styles = PhoneNumbers.Style.values();
        return styles[random.nextInt(styles.length)];
    }

    private Instant past(long maxDays) {
        return now.minus(Duration.ofMinutes((long) (random.nextDouble() * maxDays * 24 * 60)));
    }

    private Instant between(Instant from, Instant to) {
        long span = Math.max(1, Duration.between(from, to).toMinutes());
        return from.plus(Duration.ofMinutes((long) (random.nextDouble() * span)));
    }

    private Duration minutes(int min, int max) {
        return Duration.ofMinutes(min + random.nextInt(max - min));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private String letters(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    private String unique(Set<String> taken, String base, String suffix) {
        String value = base + suffix;
        for (int n = 2; !taken.add(value); n++) {
            value = base + n + suffix;
        }
        return value;
    }

    private static String slug(String ascii) {
        return ascii.length() > 20 ? ascii.substring(0, 20) : ascii;
    }

    private static String topLevelDomain(ContactLocale locale) {
        return switch (locale) {
            case JA_JP -> "co.jp";
            case EN_GB -> "co.uk";
            default -> locale.country().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String grouped(String s, int size, String separator) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i += size) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(s, i, Math.min(s.length(), i + size));
        }
        return sb.toString();
    }

    private static String contentType(String fileName) {
        if (fileName.endsWith(".pdf")) {
            return "application/pdf";
        } else if (fileName.endsWith(".png")) {
            return "image/png";
        } else if (fileName.endsWith(".jpg")) {
            return "image/jpeg";
        }
        return "text/plain";
    }
}
