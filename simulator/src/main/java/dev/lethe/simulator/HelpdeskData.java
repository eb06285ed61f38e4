package dev.lethe.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rows of the generated helpdesk, before they are written. Ids are the generator's own (1, 2, 3...
 * per table, "refs"); the writer maps them to the database's ids.
 */
public final class HelpdeskData {

    private HelpdeskData() {}

    public record Account(long ref, String name, String domain, String region, Instant createdAt) {}

    public record Agent(long ref, String name, String email, String role, Instant createdAt) {}

    public record CustomFieldDefinition(
            long ref, String name, String label, String fieldType, boolean encrypted) {}

    /** Accounts, agents and custom fields every contact's data refers to. */
    public record ReferenceData(
            List<Account> accounts, List<Agent> agents, List<CustomFieldDefinition> customFields) {}

    public record Contact(
            long ref,
            Long accountRef,
            String firstName,
            String lastName,
            String email,
            String phone,
            String mobile,
            String twitterHandle,
            String locale,
            String region,
            Instant createdAt) {}

    public record Ticket(
            long ref,
            long contactRef,
            Long agentRef,
            String subject,
            String description,
            String status,
            String channel,
            Map<String, String> customFields,
            Instant createdAt,
            Instant updatedAt,
            Instant closedAt) {}

    public record Thread(
            long ref,
            long ticketRef,
            String direction,
            String fromAddress,
            String toAddress,
            String content,
            Instant createdAt) {}

    public record Comment(
            long ref,
            long ticketRef,
            Long agentRef,
            boolean isPublic,
            String content,
            Instant createdAt) {}

    public record Attachment(
            long ref,
            long ticketRef,
            Long threadRef,
            String fileName,
            String contentType,
            long sizeBytes,
            String storageKey,
            Instant createdAt) {}

    public record Consent(
            long ref,
            long contactRef,
            String purpose,
            boolean granted,
            String form,
            String source,
            Instant recordedAt) {}

    /** One contact with everything that belongs to them, and the personal data placed in it. */
    public record ContactBundle(
            Contact contact,
            List<Ticket> tickets,
            List<Thread> threads,
            List<Comment> comments,
            List<Attachment> attachments,
            List<Consent> consents,
            List<GroundTruthItem> groundTruth) {

        public int rowCount() {
            return 1
                    + tickets.size()
                    + threads.size()
                    + comments.size()
                    + attachments.size()
                    + consents.size();
        }
    }
}
