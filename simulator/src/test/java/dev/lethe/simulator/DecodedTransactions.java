package dev.lethe.simulator;

import dev.lethe.audit.Actor;
import java.util.ArrayList;
import java.util.List;

/** test_decoding output grouped by transaction. */
final class DecodedTransactions {

    /** The lines between BEGIN and COMMIT of one transaction. */
    record Transaction(List<String> lines) {
        boolean changesRows() {
            return lines.stream().anyMatch(l -> l.startsWith("table "));
        }

        boolean opensWithActor() {
            return !lines.isEmpty()
                    && lines.get(0).startsWith("message: transactional: 1 prefix: lethe.actor");
        }

        long actorMessages() {
            return lines.stream().filter(l -> l.contains("prefix: lethe.actor")).count();
        }

        /** The actor of the first message. */
        Actor actor() {
            String first = lines.get(0);
            return Actor.fromJson(first.substring(first.indexOf("content:") + "content:".length()));
        }
    }

    private DecodedTransactions() {}

    static List<Transaction> of(List<String> decoded) {
        List<Transaction> transactions = new ArrayList<>();
        List<String> current = null;
        for (String line : decoded) {
            if (line.startsWith("BEGIN")) {
                current = new ArrayList<>();
            } else if (line.startsWith("COMMIT")) {
                transactions.add(new Transaction(List.copyOf(current)));
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return transactions;
    }
}
