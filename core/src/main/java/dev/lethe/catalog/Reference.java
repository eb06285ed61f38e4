package dev.lethe.catalog;

/**
 * A foreign key: {@code from} holds the value of {@code to} of the row it points to, e.g. {@code
 * tickets.contact_id -> contacts.id}.
 */
public record Reference(ColumnRef from, ColumnRef to) {

    @Override
    public String toString() {
        return from + " -> " + to;
    }
}
