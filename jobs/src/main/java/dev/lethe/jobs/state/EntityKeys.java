package dev.lethe.jobs.state;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of entity-id keys ({@code keyBy(AuditEntry::getEntityId, EntityKeys.TYPE)}): a {@code
 * String} whose state backends write it with {@link EntityKeySerializer}.
 */
public final class EntityKeys extends TypeInformation<String> {

    private static final long serialVersionUID = 1L;

    public static final EntityKeys TYPE = new EntityKeys();

    private EntityKeys() {}

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<String> getTypeClass() {
        return String.class;
    }

    @Override
    public boolean isKeyType() {
        return true;
    }

    @Override
    public TypeSerializer<String> createSerializer(SerializerConfig config) {
        return EntityKeySerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "EntityKey";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof EntityKeys;
    }

    @Override
    public int hashCode() {
        return EntityKeys.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof EntityKeys;
    }

    private Object readResolve() {
        return TYPE;
    }
}
