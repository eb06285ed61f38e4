package dev.lethe.jobs.state;

/**
 * The type of entity-id keys ({@code keyBy(AuditEntry::getEntityId, EntityKeys.TYPE)}): a {@code
 * String} whose state backends write it with {@link EntityKeySerializer}.
 */
public final class EntityKeys extends SerializerTypeInformation<String> {

    private static final long serialVersionUID = 1L;

    public static final EntityKeys TYPE = new EntityKeys();

    private EntityKeys() {
        super(String.class, EntityKeySerializer.INSTANCE, true, "EntityKey");
    }

    private Object readResolve() {
        return TYPE;
    }
}
