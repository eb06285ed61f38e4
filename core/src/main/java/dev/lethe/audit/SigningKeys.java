package dev.lethe.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Set;

/**
 * The Ed25519 key pair that signs audit checkpoints, kept in a directory as two PEM files: {@value
 * #PRIVATE_KEY_FILE} (PKCS#8, mode 0600) and {@value #PUBLIC_KEY_FILE} (X.509
 * SubjectPublicKeyInfo). The key id is the hex of the first 8 bytes of SHA-256 over the public
 * key's DER encoding.
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
     * Loads the key pair from {@code dir}, or creates the directory and a new pair if there is no
     * private key file yet.
     *
     * @throws IOException if the files cannot be read or written, or hold no Ed25519 key
     */
    public static SigningKeys loadOrCreate(Path dir) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(privateFile)) {
            return load(privateFile, publicFile);
        }
        Files.createDirectories(dir);
        SigningKeys keys = generate();
        writeOwnerOnly(privateFile, pem(PRIVATE_PEM, keys.privateKey.getEncoded()));
        Files.writeString(publicFile, pem(PUBLIC_PEM, keys.publicKey.getEncoded()));
        return keys;
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

    /** Reads a public key written by {@link #loadOrCreate} (or any Ed25519 SPKI PEM file). */
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
        return CheckpointSigner.verifies(
                publicKey, probe, CheckpointSigner.sign(privateKey, probe));
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
        Files.writeString(file, content);
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
