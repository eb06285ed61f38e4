package dev.lethe.simulator;

/** The kinds of change {@link LoadGenerator} makes, with their default share of the mix. */
public enum LoadOperation {
    /** A new contact signs up (with consents); actor: system. */
    INSERT_CONTACT(10),
    /** A contact opens a ticket; actor: customer. */
    INSERT_TICKET(15),
    /** A message on a ticket, inbound (actor: customer) or a reply (actor: agent). */
    INSERT_THREAD(20),
    /** An internal agent note; actor: agent. */
    INSERT_COMMENT(10),
    /** An agent moves a ticket to another status; actor: agent. */
    UPDATE_TICKET_STATUS(15),
    /** A contact changes their phone (never their email); actor: customer. */
    UPDATE_CONTACT_PHONE(8),
    /** deleted_at = now() on a contact; actor: agent. */
    SOFT_DELETE_CONTACT(5),
    /** deleted_at = now() on a ticket; actor: agent. */
    SOFT_DELETE_TICKET(5),
    /** deleted_at = NULL on a soft-deleted contact; actor: agent. */
    RESTORE_CONTACT(3),
    /** deleted_at = NULL on a soft-deleted ticket; actor: agent. */
    RESTORE_TICKET(3),
    /**
     * A contact and everything of theirs deleted for good, children first (attachments, comments,
     * threads, tickets, consents, contact); soft-deleted contacts first; actor: system.
     */
    HARD_DELETE_CONTACT(6);

    private final int defaultWeight;

    LoadOperation(int defaultWeight) {
        this.defaultWeight = defaultWeight;
    }

    public int defaultWeight() {
        return defaultWeight;
    }
}
