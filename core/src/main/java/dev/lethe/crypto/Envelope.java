package dev.lethe.crypto;

import dev.lethe.keys.SubjectIds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The version-1 envelope of an encrypted value (documented in docs/audit-format.md, "Encrypted
 * values"):
 *
 * <pre>
 * version            1 byte   0x01
 * subject count n    1 byte   1..255
 * n times:
 *   id length L      1 byte   1..128
 *   subject id       L bytes  ASCII, e.g. "contact:42" (see SubjectIds)
 *   wrapped share    40 bytes the subject's 32-byte share of the value key, AES key-wrapped
 *                             (RFC 3394) under the subject's data key
 * IV                 12 bytes
 * ciphertext + tag   rest     AES-256-GCM under the value key, 16-byte tag at the end;
 *                             additional data = every byte before the IV + UTF-8 of the context aad
 * </pre>
 */
record Envelope(
        List<String> subjectIds,
        List<byte[]> wrappedShares,
        byte[] iv,
        byte[] sealed,
        int headerLength) {

    static final byte VERSION = 1;
    static final int MAX_SUBJECTS = 255;
    static final int WRAPPED_SHARE_BYTES = 40;
    static final int IV_BYTES = 12;
    static final int TAG_BYTES = 16;

    /** The bytes of the header (everything before the IV) of an envelope with these parts. */
    static byte[] header(List<String> subjectIds, List<byte[]> wrappedShares) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * subjectIds.size());
        out.write(VERSION);
        out.write(subjectIds.size());
        for (int i = 0; i < subjectIds.size(); i++) {
            byte[] id = subjectIds.get(i).getBytes(StandardCharsets.US_ASCII);
            out.write(id.length);
            out.writeBytes(id);
            out.writeBytes(wrappedShares.get(i));
        }
        return out.toByteArray();
    }

    static byte[] assemble(byte[] header, byte[] iv, byte[] sealed) {
        byte[] envelope = Arrays.copyOf(header, header.length + iv.length + sealed.length);
        System.arraycopy(iv, 0, envelope, header.length, iv.length);
        System.arraycopy(sealed, 0, envelope, header.length + iv.length, sealed.length);
        return envelope;
    }

    /** Parses an envelope, checking its structure (not its authenticity). */
    static Envelope parse(byte[] bytes) {
        if (bytes == null || bytes.length < 2) {
            throw new InvalidEnvelopeException("not an encrypted value: too short");
        }
        if (bytes[0] != VERSION) {
            throw new InvalidEnvelopeException(
                    "unsupported encrypted value version " + (bytes[0] & 0xff));
        }
        int count = bytes[1] & 0xff;
        if (count == 0) {
            throw new InvalidEnvelopeException("encrypted value names no subject");
        }
        List<String> subjects = new ArrayList<>(count);
        List<byte[]> shares = new ArrayList<>(count);
        int at = 2;
        for (int i = 0; i < count; i++) {
            if (at >= bytes.length) {
                throw truncated();
            }
            int length = bytes[at++] & 0xff;
            if (length == 0 || at + length + WRAPPED_SHARE_BYTES > bytes.length) {
                throw truncated();
            }
            String subject = new String(bytes, at, length, StandardCharsets.US_ASCII);
            if (!SubjectIds.isValid(subject)) {
                throw new InvalidEnvelopeException(
                        "encrypted value holds a malformed subject id at subject " + i);
            }
            subjects.add(subject);
            at += length;
            shares.add(Arrays.copyOfRange(bytes, at, at + WRAPPED_SHARE_BYTES));
            at += WRAPPED_SHARE_BYTES;
        }
        if (new HashSet<>(subjects).size() != subjects.size()) {
            throw new InvalidEnvelopeException("encrypted value names a subject twice");
        }
        if (at + IV_BYTES + TAG_BYTES > bytes.length) {
            throw truncated();
        }
        byte[] iv = Arrays.copyOfRange(bytes, at, at + IV_BYTES);
        byte[] sealed = Arrays.copyOfRange(bytes, at + IV_BYTES, bytes.length);
        return new Envelope(List.copyOf(subjects), shares, iv, sealed, at);
    }

    private static InvalidEnvelopeException truncated() {
        return new InvalidEnvelopeException("encrypted value is truncated");
    }
}
