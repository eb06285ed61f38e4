package dev.lethe.jobs.audit;

import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.keys.SubjectKeyStore;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Stateless: each change becomes its audit-entry draft with personal values encrypted ({@link
 * AuditDrafts}). It runs before any stateful operator, so no Flink state (the actor join's and the
 * chain's buffers) ever holds a personal value in clear.
 */
public final class ProtectPersonalData extends RichMapFunction<ChangeEvent, AuditEntry> {

    private static final long serialVersionUID = 1L;

    private final AuditResources resources;
    private transient SubjectKeyStore keyStore;
    private transient SubjectLookup lookup;
    private transient AuditDrafts drafts;

    public ProtectPersonalData(AuditResources resources) {
        this.resources = resources;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        keyStore = resources.keyStore().open();
        lookup = resources.subjectLookup().open();
        drafts = new AuditDrafts(resources.openCatalog(), new SubjectCipher(keyStore), lookup);
    }

    @Override
    public AuditEntry map(ChangeEvent change) {
        return drafts.draft(change);
    }

    @Override
    public void close() throws Exception {
        if (lookup != null) {
            lookup.close();
        }
        if (keyStore instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
