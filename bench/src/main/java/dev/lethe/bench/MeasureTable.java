package dev.lethe.bench;

import java.io.PrintStream;
import java.util.List;

/** The two-column Markdown table a bench reports its measures in: {@code | measure | value |}. */
final class MeasureTable {

    private MeasureTable() {}

    /** One row of the table. */
    static String row(String measure, String value) {
        return "| " + measure + " | " + value + " |";
    }

    /** A blank line, then the table's header and separator: its rows follow. */
    static void printHeader(PrintStream out) {
        out.println();
        out.println("| measure | value |");
        out.println("|---|---|");
    }

    /** The whole table of {@code rows} after a blank line, flushed. */
    static void print(PrintStream out, List<String> rows) {
        printHeader(out);
        rows.forEach(out::println);
        out.flush();
    }
}
