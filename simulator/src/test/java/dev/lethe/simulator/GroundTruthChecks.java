package dev.lethe.simulator;

import java.math.BigInteger;

/** Independent re-implementations of the checksums, so the generator is not checked by itself. */
final class GroundTruthChecks {

    private GroundTruthChecks() {}

    static boolean luhn(String written) {
        String digits = written.replaceAll("[ -]", "");
        if (!digits.matches("\\d{13,19}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }

    static boolean iban(String written) {
        String iban = written.replace(" ", "");
        if (!iban.matches("[A-Z]{2}\\d{2}[A-Z0-9]{11,30}")) {
            return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        StringBuilder n = new StringBuilder();
        moved.chars().forEach(c -> n.append(Character.getNumericValue(c)));
        return new BigInteger(n.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
