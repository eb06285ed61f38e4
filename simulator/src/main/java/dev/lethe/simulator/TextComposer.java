package dev.lethe.simulator;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Fills {@link HelpdeskTexts} templates and remembers where each piece of personal data went. */
final class TextComposer {

    /** A contact as far as texts are concerned. */
    record Person(
            long ref,
            String email,
            String first,
            String last,
            boolean japanese,
            String country,
            PhoneNumber phone,
            PhoneNumber mobile,
            String handle,
            String iban) {

        String fullName() {
            return PersonNames.fullName(first, last, japanese);
        }

        boolean hasPhone() {
            return phone != null || mobile != null;
        }
    }

    /** A value placed at {@code start} in the composed text. */
    record Placed(Person subject, String kind, String value, int start) {}

    private final StringBuilder text = new StringBuilder();
    private final List<Placed> placed = new ArrayList<>();
    private final Random random;

    TextComposer(Random random) {
        this.random = random;
    }

    /** Whether every slot of {@code template} can be filled. */
    static boolean fillable(String template, Person self, Person other) {
        if ((template.contains("{phone}")) && !self.hasPhone()) {
            return false;
        }
        if (template.contains("{handle}") && self.handle() == null) {
            return false;
        }
        if (template.contains("{iban}") && self.iban() == null) {
            return false;
        }
        if (template.contains("{o")) {
            return other != null && (!template.contains("{ophone}") || other.hasPhone());
        }
        return true;
    }

    /** Picks a fillable template from {@code templates}; null if none is. */
    String pick(List<String> templates, Person self, Person other) {
        int start = random.nextInt(templates.size());
        for (int i = 0; i < templates.size(); i++) {
            String t = templates.get((start + i) % templates.size());
            if (fillable(t, self, other)) {
                return t;
            }
        }
        return null;
    }

    TextComposer literal(String s) {
        text.append(s);
        return this;
    }

    boolean isEmpty() {
        return text.length() == 0;
    }

    /** Appends {@code template} with its slots filled. */
    TextComposer fill(String template, Person self, Person other, String card) {
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                text.append(template, i, template.length());
                break;
            }
            int close = template.indexOf('}', open);
            text.append(template, i, open);
            slot(template.substring(open + 1, close), self, other, card);
            i = close + 1;
        }
        return this;
    }

    private void slot(String slot, Person self, Person other, String card) {
        switch (slot) {
            case "name" -> place(self, GroundTruthItem.NAME, self.fullName());
            case "first" -> place(self, GroundTruthItem.NAME, self.first());
            case "last" -> place(self, GroundTruthItem.NAME, self.last());
            case "email" -> place(self, GroundTruthItem.EMAIL, self.email());
            case "phone" -> place(self, GroundTruthItem.PHONE, phoneText(self));
            case "handle" -> place(self, GroundTruthItem.HANDLE, self.handle());
            case "iban" -> place(self, GroundTruthItem.IBAN, self.iban());
            case "card" -> place(self, GroundTruthItem.CARD, card);
            case "oname" -> place(other, GroundTruthItem.NAME, other.fullName());
            case "oemail" -> place(other, GroundTruthItem.EMAIL, other.email());
            case "ophone" -> place(other, GroundTruthItem.PHONE, phoneText(other));
            default -> throw new IllegalArgumentException("unknown slot {" + slot + "}");
        }
    }

    /** The person's phone or mobile, written in one of the usual ways. */
    String phoneText(Person person) {
        PhoneNumber number;
        if (person.phone() != null && person.mobile() != null) {
            number = random.nextBoolean() ? person.phone() : person.mobile();
        } else {
            number = person.phone() != null ? person.phone() : person.mobile();
        }
        PhoneNumbers.Style[] styles = PhoneNumbers.Style.values();
        return PhoneNumbers.format(number, styles[random.nextInt(styles.length)]);
    }

    private void place(Person subject, String kind, String value) {
        placed.add(new Placed(subject, kind, value, text.length()));
        text.append(value);
    }

    String text() {
        return text.toString();
    }

    List<Placed> placed() {
        return List.copyOf(placed);
    }
}
