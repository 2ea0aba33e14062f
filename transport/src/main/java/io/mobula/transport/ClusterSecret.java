package io.mobula.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret: 32 random bytes, kept in a file only its owner can read (0600).
 * Joining or submitting proves possession with an HMAC over fresh nonces; the secret itself never
 * travels (Ray's unauthenticated job API became CVE-2023-48022).
 */
public final class ClusterSecret {
    public static final int BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;

    private ClusterSecret(byte[] key) {
        this.key = key;
    }

    /** A new random secret (not stored anywhere yet). */
    public static ClusterSecret generate() {
        byte[] key = new byte[BYTES];
        new SecureRandom().nextBytes(key);
        return new ClusterSecret(key);
    }

    /** A secret from its bytes (tests, or a secret handed over by other means). */
    public static ClusterSecret of(byte[] key) {
        if (key.length != BYTES) {
            throw new IllegalArgumentException("a cluster secret is " + BYTES + " bytes, got " + key.length);
        }
        return new ClusterSecret(key.clone());
    }

    /**
     * Writes the secret to a new file readable by its owner only.
     *
     * @throws UncheckedIOException if the file exists (a secret is never overwritten) or cannot be written.
     */
    public void writeTo(Path file) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(file, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("the secret file " + file + " already exists; remove it or use it", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster secret to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a secret file written by {@link #writeTo}.
     *
     * @throws IllegalStateException if anyone but the owner may read, write or run the file.
     */
    public static ClusterSecret readFrom(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                // read, others learn the secret; write, they choose it (and so join or impersonate)
                throw new IllegalStateException("the cluster secret " + file + " is open to others ("
                    + PosixFilePermissions.toString(permissions) + "); only its owner may read or write it: chmod 600 it");
            }
            String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return of(HexFormat.of().parseHex(hex));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster secret " + file + ": " + e.getMessage()
                + "; it is the file the head printed at 'mobula start --head'", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the cluster secret " + file + " is not 64 hex digits", e);
        }
    }

    /** HMAC-SHA256 of the parts, in order. */
    public byte[] mac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** Constant-time comparison, so a wrong guess takes as long however close it was. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    @Override
    public String toString() {
        return "ClusterSecret[hidden]";
    }
}
