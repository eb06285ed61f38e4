package dev.lethe.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The Ed25519 key pair that signs audit checkpoints, kept in a directory (mode 0700) as two PEM
 * files: {@value #PRIVATE_KEY_FILE} (PKCS#8, mode 0600) and {@value #PUBLIC_KEY_FILE} (X.509
 * SubjectPublicKeyInfo). The key id is the hex of the first 8 bytes of SHA-256 over the public
 * key's DER encoding. A pair is {@linkplain #create created} once, as a setup step, and only
 * {@linkplain #load loaded} by the audit job: a signing key is never made again on its own, since
 * auditors verify against the public key they pinned.
 */
public final class SigningKeys {

    public static final String ALGORITHM = "Ed25519";
    public static final String PRIVATE_KEY_FILE = "audit-signing-key.pem";
    public static final String PUBLIC_KEY_FILE = "audit-signing-key.pub.pem";

    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private SigningKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyIdOf(publicKey);
    }

    /** A pair from JDK key objects (e.g. a fixed test key). */
    public static SigningKeys of(PrivateKey privateKey, PublicKey publicKey) {
        return new SigningKeys(privateKey, publicKey);
    }

    /** A fresh random key pair, not stored anywhere. */
    public static SigningKeys generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new SigningKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides no Ed25519", e);
        }
    }

    /**
     * Creates a new key pair in {@code dir}: the directory (made 0700 if it does not exist; one
     * that exists must not be open to group or others), the private key file 0600 and the public
     * key file 0644. This is a setup step ({@code ./lethe audit keys init}, the local stack's first
     * {@code up}); the audit job only {@linkplain #load loads} keys.
     *
     * @throws IOException if a private key file is already there (never overwritten), the directory
     *     is open to group or others, or the files cannot be written
     */
    public static SigningKeys create(Path dir) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(privateFile)) {
            throw new FileAlreadyExistsException(
                    privateFile.toString(),
                    null,
                    "an audit signing key is already there; it is never replaced (a new key would"
                            + " not verify against what auditors pinned)");
        }
        ownerOnlyDirectory(dir);
        SigningKeys keys = generate();
        writeOwnerOnly(privateFile, pem(PRIVATE_PEM, keys.privateKey.getEncoded()));
        Path tmp = Files.createTempFile(dir, PUBLIC_KEY_FILE, ".tmp");
        Files.writeString(tmp, pem(PUBLIC_PEM, keys.publicKey.getEncoded()));
        setPermissions(tmp, "rw-r--r--");
        Files.move(tmp, publicFile, StandardCopyOption.REPLACE_EXISTING);
        return keys;
    }

    /**
     * Loads the key pair from {@code dir}; never creates one.
     *
     * @throws MissingSigningKeyException if there is no private key file in {@code dir}
     * @throws IOException if the private key file is readable by group or others (the message says
     *     what to fix), the files cannot be read, or they hold no matching Ed25519 pair
     */
    public static SigningKeys load(Path dir) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
        if (!Files.exists(privateFile)) {
            throw new MissingSigningKeyException(privateFile);
        }
        requireOwnerOnly(privateFile);
        return load(privateFile, publicFile);
    }

    /** No audit signing key where one was expected. */
    public static final class MissingSigningKeyException extends NoSuchFileException {
        private static final long serialVersionUID = 1L;

        public MissingSigningKeyException(Path privateKeyFile) {
            super(privateKeyFile.toString(), null, "no audit signing key");
        }
    }

    /**
     * The mode of {@code path} when group or others have any right on it; null when only its owner
     * has (or the file system has no POSIX modes).
     */
    private static Set<PosixFilePermission> openToOthers(Path path) throws IOException {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException notPosix) {
            return null;
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(mode);
        open.removeAll(
                EnumSet.of(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE));
        return open.isEmpty() ? null : mode;
    }

    /**
     * Refuses a private key file that group or others may read or write.
     *
     * @throws IOException naming the file, its mode and the {@code chmod} that fixes it
     */
    static void requireOwnerOnly(Path privateFile) throws IOException {
        Set<PosixFilePermission> mode = openToOthers(privateFile);
        if (mode != null) {
            throw new IOException(
                    "the audit signing key "
                            + privateFile
                            + " is open to group or others (mode "
                            + PosixFilePermissions.toString(mode)
                            + "); only the audit job's user may read it: chmod 600 "
                            + privateFile
                            + " (and check who may have copied it)");
        }
    }

    /** Writes a public key as PEM to {@code file} (e.g. an auditor's pinned copy). */
    public static void writePublicKey(Path file, PublicKey publicKey) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, publicKeyPem(publicKey));
        setPermissions(tmp, "rw-r--r--");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static SigningKeys load(Path privateFile, Path publicFile) throws IOException {
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            privateKey =
                    factory.generatePrivate(
                            new PKCS8EncodedKeySpec(
                                    unpem(Files.readString(privateFile), PRIVATE_PEM)));
            publicKey = publicKeyFromSpki(unpem(Files.readString(publicFile), PUBLIC_PEM));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(
                    "no Ed25519 key pair in " + privateFile + " and " + publicFile, e);
        }
        SigningKeys keys = new SigningKeys(privateKey, publicKey);
        if (!keys.matches()) {
            throw new IOException(publicFile + " is not the public key of " + privateFile);
        }
        return keys;
    }

    /** Reads a public key written by {@link #create} (or any Ed25519 SPKI PEM file). */
    public static PublicKey readPublicKey(Path pemFile) throws IOException {
        try {
            return publicKeyFromSpki(unpem(Files.readString(pemFile), PUBLIC_PEM));
        } catch (IllegalArgumentException e) {
            throw new IOException("no Ed25519 public key in " + pemFile, e);
        }
    }

    /**
     * @throws IllegalArgumentException if the bytes are not an Ed25519 SubjectPublicKeyInfo
     */
    public static PublicKey publicKeyFromSpki(byte[] spki) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (X.509 SPKI)", e);
        }
    }

    /** Hex of the first 8 bytes of SHA-256 over the key's X.509 SPKI DER encoding. */
    public static String keyIdOf(PublicKey publicKey) {
        return Hex.of(Arrays.copyOf(Sha256.of(publicKey.getEncoded()), 8));
    }

    /** The public key as PEM text (what auditors are given). */
    public static String publicKeyPem(PublicKey publicKey) {
        return pem(PUBLIC_PEM, publicKey.getEncoded());
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    private boolean matches() {
        byte[] probe = "lethe key check".getBytes(StandardCharsets.US_ASCII);
        return TreeHeadSigner.verifies(publicKey, probe, TreeHeadSigner.sign(privateKey, probe));
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("refusing to overwrite the signing key " + file, e);
        }
        // the umask cannot widen a mode given at creation, but set it again all the same
        setPermissions(file, "rw-------");
        Files.writeString(file, content);
    }

    /** {@code dir} created 0700, or, if it exists, refused when group or others may enter it. */
    private static void ownerOnlyDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            setPermissions(dir, "rwx------");
            return;
        }
        Set<PosixFilePermission> mode = openToOthers(dir);
        if (mode != null) {
            throw new IOException(
                    "the directory "
                            + dir
                            + " for the audit signing key is open to group or others (mode "
                            + PosixFilePermissions.toString(mode)
                            + "): chmod 700 "
                            + dir
                            + ", or give a directory only the audit job's user can enter");
        }
    }

    private static void setPermissions(Path path, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX modes: nothing to set
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private static byte[] unpem(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no PEM block of type " + type);
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
