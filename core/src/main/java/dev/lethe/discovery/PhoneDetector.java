package dev.lethe.discovery;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber.CountryCodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;

/**
 * Phone numbers, found with libphonenumber's {@link PhoneNumberUtil#findNumbers} at leniency {@link
 * Leniency#VALID} (the number must be a valid number of its region, not just plausible) and
 * normalized to E.164.
 *
 * <p>A number written internationally ({@code +49 30 1234567}, {@code (+49) 30 …}, {@code 0049...})
 * carries its country. A number written nationally ({@code 030 1234567}, {@code (415) 555-0123})
 * does not; it is read, in this order:
 *
 * <ol>
 *   <li>in a country the text names next to it on its line ({@link CountryMentions}, {@link
 *       #NAMED_BEFORE} characters before it, {@link #NAMED_AFTER} after: {@code in Frankreich … 06
 *       12 34 56 78}), if it is valid there;
 *   <li>in the writer's regions, in the order given ({@link #detect(String, List)}: the country of
 *       the contact's locale, of their account, of their declared phone, …);
 *   <li>in the detector's configured regions, the last fallback, only when no writer's region is
 *       known: a number valid in none of a known writer's regions, in no country the text names
 *       next to it, is not reported (a guessed region gives a wrong number, worse than none),
 *       unless one of its readings is a known subject's number ({@link #knowing}).
 * </ol>
 *
 * The finding's reason names the region and why it was chosen. A reading as a business's number
 * ({@link #BUSINESS_TYPES}: free phone, premium rate, …) gives way to a reading as anyone's; a
 * number whose chosen reading is a business's is not reported (a company's hotline).
 *
 * <p>The words right before a number ({@link NumberContext}, in the helpdesk's languages) decide
 * too: a national number right after a reference label ({@code Order #}, {@code Bestellung Nr.},
 * {@code 注文番号}, {@code заказ №}, {@code 会員番号}, or {@code #}, {@code No.}, {@code Nr.}, {@code č.}
 * alone) is the number of something else and not reported (a number written with its country code
 * always is); a phone label ({@code Tel.}, {@code Telefon}, {@code 電話}, {@code appelez}, {@code
 * ring}, …) raises the confidence. A national number whose digits are a date, an IPv4 address or
 * the tail of a code ({@link NumberShape}: {@code 05.12.2024}, {@code 172.16.254.1}, {@code
 * INV-2024-00987}) is not reported either.
 *
 * <p>Confidence, one constant per meaning:
 *
 * <ul>
 *   <li>{@link #INTERNATIONAL} ({@value #INTERNATIONAL}): valid and written with its country code,
 *       so no region was guessed;
 *   <li>{@link #SINGLE_READING} ({@value #SINGLE_READING}): national, valid in the region it is
 *       recorded in, and no other region tried reads it as another number;
 *   <li>{@link #WRITER_REGION} ({@value #WRITER_REGION}): national, valid in the writer's region
 *       and recorded there, while other regions would read it as other numbers (the writer's
 *       country is the likeliest reading; a writer may still quote a foreign number nationally);
 *   <li>{@link #NAMED_REGION} ({@value #NAMED_REGION}): national, valid in the country the text
 *       names next to it and recorded there;
 *   <li>{@link #AMBIGUOUS} ({@value #AMBIGUOUS}): national, no writer's region known, read in the
 *       first configured region it is valid in, while others read it differently;
 *   <li>a phone label right before the number adds {@link #LABEL_BOOST} ({@value #LABEL_BOOST}), up
 *       to {@link #LABELLED_MAX} ({@value #LABELLED_MAX}): see {@link #labelled(double)}. A
 *       labelled national number stays below an international one.
 * </ul>
 *
 * <p>The text is read in {@linkplain #windows(String) windows} of about {@link #WINDOW} characters,
 * and each region's pass over a window gives up after {@link #maxTries(int)} failed candidates for
 * that window (libphonenumber's own bound for degenerate text): a text that is mostly digits and
 * separators ({@code 1 2-3 (4) 5.6 ...}) makes every stretch a candidate that fails to parse and is
 * retried piece by piece, ten regions over. Ordinary text uses a small fraction of the bound (see
 * {@link #CHARS_PER_TRY}), so what is found in it does not change; in a degenerate stretch the
 * numbers past the bound are not looked for, but only up to the end of its window: junk cannot use
 * up the budget of the rest of the text (a number later in the junk's own window can still be
 * missed), and libphonenumber, which copies the text after some candidates (time stamps), copies at
 * most a window.
 *
 * <p>Windows end after a line break where they can: a window is a run of whole lines, together at
 * most {@link #WINDOW} characters, so no line shares a window with a line longer than that. No
 * number libphonenumber finds holds a line break (its pattern allows none), so a window reads its
 * lines exactly as the whole text would: same candidates, same neighbouring characters, and
 * findings at the same offsets once the window's start is added. A line longer than {@link #WINDOW}
 * is cut into pieces, after a whitespace character in the last quarter of the window where there is
 * one; each piece is read with {@link #OVERLAP} characters of the line on either side and keeps
 * only the findings that start in it. A number of at most {@link #OVERLAP} characters (a phone
 * number has at most 20 digits with its country code, about 30 characters with separators) that
 * starts in a piece therefore ends in the text its window reads, and a number read by two windows
 * (in their overlap) is kept once, by the window its start is in.
 */
public final class PhoneDetector implements PiiDetector {

    public static final String NAME = "phone";

    /** The countries the helpdesk serves, most contacts first: DE, FR, GB, PL, ES, IT, JP, ... */
    public static final List<String> DEFAULT_REGIONS =
            List.of("DE", "FR", "GB", "PL", "ES", "IT", "JP", "AT", "CZ", "SE");

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /**
     * Failed candidates allowed per region in any window, however short. The 300 generated tickets
     * of {@code ./lethe bench scanner} need at most 15 in a region (the fewest with which a
     * region's findings stay the same).
     */
    static final long MIN_TRIES = 64;

    /**
     * One more failed candidate allowed per region for every this many characters. Ordinary tickets
     * need one per ≈ 330 characters on average (at most one per 25 in a short ticket, which {@link
     * #MIN_TRIES} covers); text that is all digits and separators fails one per ≈ 2 characters, so
     * a full window of it is read up to about its first 640 of {@link #WINDOW} characters, at about
     * a sixth of the cost of reading it all.
     */
    static final int CHARS_PER_TRY = 16;

    /**
     * Most characters in a window of whole lines, and in the piece of a longer line a window keeps
     * findings from.
     */
    static final int WINDOW = 4096;

    /**
     * Characters of its line a piece of a long line is read with on either side, beyond the piece:
     * the longest number a cut cannot split.
     */
    static final int OVERLAP = 64;

    /** A number written with its country code. */
    public static final double INTERNATIONAL = 0.95;

    /** A national number valid in its region and read as no other number in the others. */
    public static final double SINGLE_READING = 0.85;

    /** A national number valid in the writer's region, other regions reading it differently. */
    public static final double WRITER_REGION = 0.8;

    /** A national number valid in the country the text names next to it. */
    public static final double NAMED_REGION = 0.8;

    /** A national number read in a configured region, other regions reading it differently. */
    public static final double AMBIGUOUS = 0.6;

    /** What a phone label right before the number adds to its confidence. */
    public static final double LABEL_BOOST = 0.05;

    /** The most a phone label raises a confidence to. */
    public static final double LABELLED_MAX = 0.99;

    private final List<String> regions;

    private Predicate<String> knownNumbers = e164 -> false;

    /**
     * Keeps a national number valid in no region of a known writer's when one of its readings is a
     * number {@code known} knows (a known subject's, in E.164): recorded in that reading.
     */
    public PhoneDetector knowing(Predicate<String> known) {
        this.knownNumbers = known;
        return this;
    }

    /** Reads national numbers in {@link #DEFAULT_REGIONS}. */
    public PhoneDetector() {
        this(DEFAULT_REGIONS);
    }

    /**
     * @param regions ISO 3166 regions to read nationally written numbers in, preferred first
     */
    public PhoneDetector(List<String> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one default region is needed");
        }
        for (String r : regions) {
            if (!UTIL.getSupportedRegions().contains(r)) {
                throw new IllegalArgumentException("not a region libphonenumber knows: " + r);
            }
        }
        this.regions = List.copyOf(regions);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The confidence of a number with a phone label right before it, given its confidence. */
    public static double labelled(double confidence) {
        return Math.min(LABELLED_MAX, Math.round((confidence + LABEL_BOOST) * 100) / 100.0);
    }

    private record Candidate(
            String region,
            String e164,
            PhoneNumberType type,
            boolean international,
            boolean writer) {}

    /**
     * Number types that are a business's, never a person's: free phone ({@code 0800 …}, {@code
     * 0120-…}), premium rate, shared cost, universal access, voicemail access.
     */
    static final Set<PhoneNumberType> BUSINESS_TYPES =
            EnumSet.of(
                    PhoneNumberType.TOLL_FREE,
                    PhoneNumberType.PREMIUM_RATE,
                    PhoneNumberType.SHARED_COST,
                    PhoneNumberType.UAN,
                    PhoneNumberType.VOICEMAIL);

    /** National numbers read in the configured regions. */
    @Override
    public List<Finding> detect(String text) {
        return detect(text, List.of());
    }

    /**
     * National numbers read in {@code writerRegions} first, in their order, then in the configured
     * regions. Regions libphonenumber does not know (a locale's {@code 419}, a residency region
     * {@code EU}) are skipped; lower case is read as upper case.
     *
     * @param writerRegions ISO 3166 regions of the text's writer, likeliest first; may be empty
     */
    @Override
    public List<Finding> detect(String text, List<String> writerRegions) {
        if (text == null || !hasDigits(text, 0, text.length())) {
            return new ArrayList<>();
        }
        return detect(text, windows(text), true, writerRegions(writerRegions));
    }

    /** The supported, distinct regions of {@code writerRegions}, upper case, in order. */
    private static List<String> writerRegions(List<String> writerRegions) {
        List<String> supported = new ArrayList<>();
        for (String r : writerRegions) {
            String region = r == null ? "" : r.toUpperCase(Locale.ROOT);
            if (UTIL.getSupportedRegions().contains(region) && !supported.contains(region)) {
                supported.add(region);
            }
        }
        return supported;
    }

    /**
     * A stretch of the text libphonenumber reads as a whole ({@code start..end}), and the part of
     * it whose findings it keeps ({@code ownStart..ownEnd}): the windows' own parts follow each
     * other and make up the text.
     */
    record Window(int start, int end, int ownStart, int ownEnd) {}

    /**
     * The findings in {@code text}, reading it window by window, each region's pass over a window
     * bounded by {@link #maxTries(int)} of the window's length if {@code bounded}.
     */
    List<Finding> detect(String text, List<Window> windows, boolean bounded) {
        return detect(text, windows, bounded, List.of());
    }

    /**
     * As {@link #detect(String, List, boolean)}, reading national numbers in {@code writer} (known,
     * distinct regions) before the configured ones.
     */
    private List<Finding> detect(
            String text, List<Window> windows, boolean bounded, List<String> writer) {
        List<String> order = new ArrayList<>(writer);
        regions.stream().filter(r -> !writer.contains(r)).forEach(order::add);
        List<Finding> found = new ArrayList<>();
        // span -> the readings of that span, in region order
        Map<Long, List<Candidate>> bySpan = new LinkedHashMap<>();
        read(text, windows, bounded, order, writer, bySpan);
        // the countries the text names, only if a number is written nationally; a country not
        // read in yet is read in last
        List<CountryMentions.Mention> mentions = List.of();
        if (bySpan.values().stream().anyMatch(c -> !c.get(0).international())) {
            mentions = CountryMentions.in(text);
            List<String> named =
                    mentions.stream()
                            .map(CountryMentions.Mention::region)
                            .filter(r -> !order.contains(r))
                            .distinct()
                            .toList();
            read(text, windows, bounded, named, writer, bySpan);
        }
        List<CountryMentions.Mention> nearby = mentions;
        // findings that are the numbers of orders, tickets, ...: they still hide the shorter
        // readings they overlap, then are dropped
        Set<Finding> references = Collections.newSetFromMap(new IdentityHashMap<>());
        bySpan.forEach(
                (span, candidates) -> {
                    int start = (int) (span >>> 32);
                    int end = (int) (long) span;
                    // a reading as a company's number (a British 090 premium-rate number) gives
                    // way to a reading as anyone's (a Japanese 090 mobile)
                    Candidate first =
                            candidates.stream()
                                    .filter(c -> !BUSINESS_TYPES.contains(c.type()))
                                    .findFirst()
                                    .orElse(candidates.get(0));
                    NumberContext.Kind context = NumberContext.before(text, start);
                    long distinct = candidates.stream().map(Candidate::e164).distinct().count();
                    Candidate named =
                            first.international()
                                    ? null
                                    : namedNearby(text, start, end, candidates, nearby);
                    double confidence;
                    String reason;
                    boolean guessed = false;
                    if (first.international()) {
                        confidence = INTERNATIONAL;
                        reason =
                                "valid number written with its country code (libphonenumber VALID)";
                    } else if (named != null) {
                        first = named;
                        confidence = NAMED_REGION;
                        reason =
                                "valid national number of "
                                        + named.region()
                                        + ", the country the text names next to it"
                                        + " (libphonenumber VALID)";
                    } else if (distinct == 1) {
                        confidence = SINGLE_READING;
                        reason =
                                "valid national number of "
                                        + regionOf(first)
                                        + " (libphonenumber VALID), no other reading";
                        guessed = !writer.isEmpty() && !first.writer();
                    } else if (first.writer()) {
                        confidence = WRITER_REGION;
                        reason =
                                "valid national number of "
                                        + regionOf(first)
                                        + " (libphonenumber VALID), read there of "
                                        + distinct
                                        + " possible regions";
                    } else {
                        confidence = AMBIGUOUS;
                        reason =
                                "valid national number, read as "
                                        + regionOf(first)
                                        + " of "
                                        + distinct
                                        + " possible regions";
                        guessed = !writer.isEmpty();
                    }
                    if (guessed) {
                        // a reading that is a known person's number is no guess: the text is
                        // about them (a number quoted in its owner's national format)
                        Candidate known =
                                candidates.stream()
                                        .filter(c -> knownNumbers.test(c.e164()))
                                        .findFirst()
                                        .orElse(null);
                        if (known != null) {
                            first = known;
                            guessed = false;
                            confidence = AMBIGUOUS;
                            reason =
                                    "valid national number of "
                                            + known.region()
                                            + " (libphonenumber VALID), valid in no region of the"
                                            + " writer's; read as the number a known subject has";
                        }
                    }
                    if (context == NumberContext.Kind.PHONE_LABEL) {
                        confidence = labelled(confidence);
                        reason = reason + ", after a phone label";
                    }
                    Finding f =
                            new Finding(
                                    NAME,
                                    PiiKind.PHONE,
                                    start,
                                    end,
                                    first.e164(),
                                    confidence,
                                    reason);
                    found.add(f);
                    if (context == NumberContext.Kind.REFERENCE && !first.international()) {
                        references.add(f);
                    }
                    if (BUSINESS_TYPES.contains(first.type())) {
                        references.add(f); // a company's hotline, not a person's number
                    }
                    if (!first.international()
                            && NumberShape.notAPhone(text, start, end).isPresent()) {
                        references.add(f); // a date, an IP address, a code
                    }
                    if (guessed) {
                        // valid in no region of the writer's, the text naming none: a guess, and a
                        // wrong number is worse than none
                        references.add(f);
                    }
                });
        found.sort(java.util.Comparator.comparingInt(Finding::start));
        // libphonenumber may report overlapping spans for different regions: keep the longest
        List<Finding> kept = new ArrayList<>();
        for (Finding f : found) {
            if (!kept.isEmpty() && kept.get(kept.size() - 1).overlaps(f)) {
                Finding last = kept.get(kept.size() - 1);
                if (f.length() > last.length()
                        || (f.length() == last.length() && f.confidence() > last.confidence())) {
                    kept.set(kept.size() - 1, f);
                }
                continue;
            }
            kept.add(f);
        }
        kept.removeIf(references::contains);
        return kept;
    }

    /**
     * Adds the readings of {@code text} in {@code regions}, window by window, to {@code bySpan}.
     */
    private static void read(
            String text,
            List<Window> windows,
            boolean bounded,
            List<String> regions,
            List<String> writer,
            Map<Long, List<Candidate>> bySpan) {
        if (regions.isEmpty()) {
            return;
        }
        for (Window w : windows) {
            if (Thread.currentThread().isInterrupted()) {
                // a job being cancelled interrupts its task: a long text (an oversized value read
                // back whole) must not hold the task past Flink's cancellation timeout, which
                // fails the whole TaskManager
                throw new CancellationException("phone number scan interrupted");
            }
            if (!hasDigits(text, w.start(), w.end())) {
                continue;
            }
            String part = text.substring(w.start(), w.end());
            long tries = bounded ? maxTries(part.length()) : Long.MAX_VALUE;
            for (String region : regions) {
                boolean writes = writer.contains(region);
                for (PhoneNumberMatch m : UTIL.findNumbers(part, region, Leniency.VALID, tries)) {
                    int start = w.start() + m.start();
                    if (start < w.ownStart() || start >= w.ownEnd()) {
                        continue; // the window whose own part it starts in keeps it
                    }
                    long span = ((long) start << 32) | (w.start() + m.end());
                    bySpan.computeIfAbsent(span, k -> new ArrayList<>())
                            .add(
                                    new Candidate(
                                            region,
                                            e164(m.number()),
                                            UTIL.getNumberType(m.number()),
                                            writtenInternationally(m.rawString(), region),
                                            writes));
                }
            }
        }
    }

    /** Characters before a national number, on its line, a country named there is looked for in. */
    static final int NAMED_BEFORE = 160;

    /** Characters after a national number, on its line, a country named there is looked for in. */
    static final int NAMED_AFTER = 40;

    /**
     * The reading of the span in the country named nearest to it on its line ({@link #NAMED_BEFORE}
     * characters before it, {@link #NAMED_AFTER} after), among the countries that read it as a
     * valid number; null if there is none.
     */
    private static Candidate namedNearby(
            String text,
            int start,
            int end,
            List<Candidate> candidates,
            List<CountryMentions.Mention> mentions) {
        Candidate best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (CountryMentions.Mention m : mentions) {
            int distance;
            if (m.end() <= start) {
                distance = start - m.end();
                if (distance > NAMED_BEFORE || text.lastIndexOf('\n', start - 1) >= m.end()) {
                    continue;
                }
            } else if (m.start() >= end) {
                distance = m.start() - end;
                int nl = text.indexOf('\n', end);
                if (distance > NAMED_AFTER || (nl >= 0 && nl < m.start())) {
                    continue;
                }
            } else {
                continue;
            }
            if (distance >= bestDistance) {
                continue;
            }
            for (Candidate c : candidates) {
                if (c.region().equals(m.region())) {
                    best = c;
                    bestDistance = distance;
                    break;
                }
            }
        }
        return best;
    }

    /** The region a national reading was made in, and whether it is the writer's. */
    private static String regionOf(Candidate c) {
        return c.region() + (c.writer() ? ", the writer's region" : ", a configured region");
    }

    /**
     * Whether {@code raw}, found in {@code region}, is written with its country code: after a plus
     * sign ({@code +49}, {@code (+49)}, {@code ＋49}) or the region's international call prefix
     * ({@code 0049} in Germany, not in the United States).
     */
    private static boolean writtenInternationally(String raw, String region) {
        try {
            CountryCodeSource source =
                    UTIL.parseAndKeepRawInput(raw, region).getCountryCodeSource();
            return source == CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN
                    || source == CountryCodeSource.FROM_NUMBER_WITH_IDD;
        } catch (NumberParseException e) {
            return false;
        }
    }

    /**
     * The failed candidates (parse attempts that yield no valid number, libphonenumber's {@code
     * maxTries}) one region's pass may make in a window of {@code textLength} characters before it
     * gives up: linear in the length, so a pass costs at most a bounded number of parses per
     * character whatever the text.
     */
    static long maxTries(int textLength) {
        return MIN_TRIES + textLength / CHARS_PER_TRY;
    }

    /**
     * How {@code text} is read: windows whose own parts follow each other from 0 to the text's
     * length. A window of whole lines ends after a line break (or at the text's end) and is read as
     * it is; a line longer than {@link #WINDOW} is cut into pieces of at most {@link #WINDOW}
     * characters, each read with up to {@link #OVERLAP} characters of the line before and after.
     *
     * <p>A window owning fewer than {@code WINDOW / 2} characters is the last piece of a line,
     * after a piece of at least {@code 3 * WINDOW / 4}, or a run of lines that the next window's
     * first line did not fit in, so that window owns more than {@code WINDOW / 2}; or it is the
     * last window. Each window owning {@code WINDOW / 2} or more is next to at most two short ones:
     * a text of n characters has at most {@code 6 * n / WINDOW + 1} windows.
     */
    static List<Window> windows(String text) {
        int n = text.length();
        List<Window> windows = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int lineEnd = lineEnd(text, start);
            if (lineEnd - start > WINDOW) {
                cutLine(text, start, lineEnd, windows);
                start = lineEnd;
                continue;
            }
            int end = lineEnd;
            while (end < n) {
                int next = lineEnd(text, end);
                if (next - start > WINDOW) {
                    break;
                }
                end = next;
            }
            windows.add(new Window(start, end, start, end));
            start = end;
        }
        return windows;
    }

    /**
     * The index just after the line break ending the line {@code from} is in, or the text's end.
     */
    private static int lineEnd(String text, int from) {
        int nl = text.indexOf('\n', from);
        return nl < 0 ? text.length() : nl + 1;
    }

    /**
     * Pieces of the line {@code from..to} (longer than {@link #WINDOW}): each at most {@link
     * #WINDOW} characters, cut after the last whitespace character in the last quarter of that,
     * else where it reaches {@link #WINDOW} (never inside a surrogate pair).
     */
    private static void cutLine(String text, int from, int to, List<Window> windows) {
        int own = from;
        while (own < to) {
            int ownEnd = to;
            if (to - own > WINDOW) {
                int limit = own + WINDOW;
                ownEnd = limit;
                for (int i = limit; i > limit - WINDOW / 4; i--) {
                    char c = text.charAt(i - 1);
                    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                        ownEnd = i;
                        break;
                    }
                }
                if (ownEnd == limit && Character.isLowSurrogate(text.charAt(limit))) {
                    ownEnd = limit - 1;
                }
            }
            windows.add(
                    new Window(
                            Math.max(from, own - OVERLAP),
                            Math.min(to, ownEnd + OVERLAP),
                            own,
                            ownEnd));
            own = ownEnd;
        }
    }

    /**
     * A phone number as written somewhere (a contact's phone column, a CLI argument) in E.164, read
     * in {@code defaultRegion} if it has no country code; empty if it is not a valid number.
     */
    public static Optional<String> normalize(String written, String defaultRegion) {
        if (written == null || written.isBlank()) {
            return Optional.empty();
        }
        try {
            PhoneNumber n = UTIL.parse(written, defaultRegion.toUpperCase(Locale.ROOT));
            return UTIL.isValidNumber(n) ? Optional.of(e164(n)) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * As {@link #normalize(String, String)}, trying {@code regions} in order for a number without
     * country code.
     */
    public static Optional<String> normalize(String written, List<String> regions) {
        for (String region : regions) {
            Optional<String> n = normalize(written, region);
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }

    /**
     * The region an E.164 number belongs to ({@code +33…} → {@code FR}), if libphonenumber knows.
     */
    public static Optional<String> regionOf(String e164) {
        try {
            String region = UTIL.getRegionCodeForNumber(UTIL.parse(e164, "ZZ"));
            return region == null || region.equals("ZZ") || region.equals("001")
                    ? Optional.empty()
                    : Optional.of(region);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    private static String e164(PhoneNumber number) {
        return UTIL.format(number, PhoneNumberFormat.E164);
    }

    private static boolean hasDigits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
