package io.mobula.cluster.wire;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import io.mobula.cluster.jobs.JobClassPaths;

/**
 * How a job's class path reaches a node, as bytes (answers are {@link RemoteCall} answers):
 * <pre>
 *   job:        0x06 | job id UTF | source UTF | count i32 | (sha256 UTF, size i64)*
 *               source: empty when the sender pushes the missing jars itself (a driver), else the
 *               address of a node to fetch them from; answered with the missing hashes, comma
 *               separated (a fetching node answers once it has them: then none)
 *   jar piece:  0x07 | sha256 UTF | size i64 | offset i64 | length i32 | bytes
 *   jar read:   0x08 | sha256 UTF | offset i64 | length i32   (answered with the bytes)
 * </pre>
 */
public final class JobMessages {
    public static final byte JOB = 6;
    public static final byte JAR_PIECE = 7;
    public static final byte JAR_READ = 8;
    /** Jars travel in pieces well under a message's limit. */
    public static final int PIECE_BYTES = 1 << 20;

    public record JobRequest(String id, String source, List<JobClassPaths.Jar> jars) {
    }

    public record JarPiece(String sha256, long size, long offset, byte[] bytes) {
    }

    public record JarRead(String sha256, long offset, int length) {
    }

    private JobMessages() {
    }

    public static byte[] job(String id, String source, List<JobClassPaths.Jar> jars) {
        return WireBytes.of(out -> {
            out.writeByte(JOB);
            out.writeUTF(id);
            out.writeUTF(source);
            out.writeInt(jars.size());
            for (JobClassPaths.Jar jar : jars) {
                out.writeUTF(jar.sha256());
                out.writeLong(jar.size());
            }
        });
    }

    public static byte[] jarPiece(String sha256, long size, long offset, byte[] bytes) {
        return WireBytes.of(out -> {
            out.writeByte(JAR_PIECE);
            out.writeUTF(sha256);
            out.writeLong(size);
            out.writeLong(offset);
            out.writeInt(bytes.length);
            out.write(bytes);
        });
    }

    public static byte[] jarRead(String sha256, long offset, int length) {
        return WireBytes.of(out -> {
            out.writeByte(JAR_READ);
            out.writeUTF(sha256);
            out.writeLong(offset);
            out.writeInt(length);
        });
    }

    public static JobRequest decodeJob(byte[] payload) throws IOException {
        try (DataInputStream in = open(payload, JOB)) {
            String id = in.readUTF();
            String source = in.readUTF();
            int count = in.readInt();
            if (count < 0 || count > 4096) {
                throw new IOException("a job of " + count + " jars");
            }
            List<JobClassPaths.Jar> jars = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                jars.add(new JobClassPaths.Jar(in.readUTF(), in.readLong()));
            }
            return new JobRequest(id, source, jars);
        }
    }

    public static JarPiece decodeJarPiece(byte[] payload) throws IOException {
        try (DataInputStream in = open(payload, JAR_PIECE)) {
            String sha = in.readUTF();
            long size = in.readLong();
            long offset = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > PIECE_BYTES) {
                throw new IOException("a jar piece of " + length + " bytes");
            }
            return new JarPiece(sha, size, offset, in.readNBytes(length));
        }
    }

    public static JarRead decodeJarRead(byte[] payload) throws IOException {
        try (DataInputStream in = open(payload, JAR_READ)) {
            String sha = in.readUTF();
            long offset = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > PIECE_BYTES) {
                throw new IOException("a jar read of " + length + " bytes");
            }
            return new JarRead(sha, offset, length);
        }
    }

    private static DataInputStream open(byte[] payload, byte kind) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        if (in.readByte() != kind) {
            throw new IOException("not a message of kind " + kind);
        }
        return in;
    }
}
