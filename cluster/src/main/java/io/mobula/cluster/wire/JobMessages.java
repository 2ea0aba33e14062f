package io.mobula.cluster.wire;

import java.util.ArrayList;
import java.util.List;
import io.mobula.cluster.jobs.JobClassPaths;

import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.JarPieceDecoder;
import io.mobula.transport.codec.JarPieceEncoder;
import io.mobula.transport.codec.JarReadDecoder;
import io.mobula.transport.codec.JarReadEncoder;
import io.mobula.transport.codec.JobRegisterDecoder;
import io.mobula.transport.codec.JobRegisterEncoder;

/**
 * How a job's class path reaches a node (answers are {@link RemoteCall} answers), as the schema's
 * messages:
 * <pre>
 *   JobRegister  jars (size, sha256)* | id | source
 *                source: empty when the sender pushes the missing jars itself (a driver), else the
 *                address of a node to fetch them from; answered with the missing hashes, comma
 *                separated (a fetching node answers once it has them: then none)
 *   JarPiece     size | position | sha256 | bytes
 *   JarRead      position | length | sha256     (answered with the bytes)
 * </pre>
 */
public final class JobMessages {
    /** Jars travel in pieces well under a message's limit. */
    public static final int PIECE_BYTES = 1 << 20;
    /** A message's kind, as {@link #kind} names it for a dispatcher. */
    public static final byte JOB = 6;
    public static final byte JAR_PIECE = 7;
    public static final byte JAR_READ = 8;
    /** The schema version that brought the messages in. */
    private static final int SINCE_VERSION = 4;
    private static final int MAX_JARS = 4096;
    private static final int MAX_TEXT_BYTES = 4096;

    public record JobRequest(String id, String source, List<JobClassPaths.Jar> jars) {
    }

    public record JarPiece(String sha256, long size, long offset, byte[] bytes) {
    }

    public record JarRead(String sha256, long offset, int length) {
    }

    private JobMessages() {
    }

    /** @return JOB, JAR_PIECE or JAR_READ for a payload of these (by the header's template), else 0. */
    public static byte kind(byte[] payload) {
        return switch (WireInput.templateId(payload)) {
            case JobRegisterDecoder.TEMPLATE_ID -> JOB;
            case JarPieceDecoder.TEMPLATE_ID -> JAR_PIECE;
            case JarReadDecoder.TEMPLATE_ID -> JAR_READ;
            default -> 0;
        };
    }

    public static byte[] job(String id, String source, List<JobClassPaths.Jar> jars) {
        WireOutput out = new WireOutput(128 + jars.size() * 80);
        JobRegisterEncoder encoder = new JobRegisterEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        JobRegisterEncoder.JarsEncoder entries = encoder.jarsCount(jars.size());
        jars.forEach(jar -> entries.next().size(jar.size()).sha256(jar.sha256()));
        encoder.id(id).source(source);
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] jarPiece(String sha256, long size, long offset, byte[] bytes) {
        WireOutput out = new WireOutput(128 + bytes.length);
        JarPieceEncoder encoder = new JarPieceEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .size(size).position(offset).sha256(sha256).putBytes(bytes, 0, bytes.length);
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] jarRead(String sha256, long offset, int length) {
        WireOutput out = new WireOutput(128);
        JarReadEncoder encoder = new JarReadEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .position(offset).length(length).sha256(sha256);
        return out.bytes(encoder.encodedLength());
    }

    public static JobRequest decodeJob(byte[] payload) throws MalformedMessageException {
        JobRegisterDecoder decoder = new JobRegisterDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        int count = in.group(decoder.limit(), "jars", JobRegisterDecoder.JarsDecoder.sbeBlockLength(), MAX_JARS);
        List<JobClassPaths.Jar> jars = new ArrayList<>(count);
        JobRegisterDecoder.JarsDecoder entries = decoder.jars();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), entries.actingBlockLength(), "jars");
            entries.next();
            long size = entries.size();
            in.data(decoder.limit(), "jars.sha256", MAX_TEXT_BYTES);
            jars.add(new JobClassPaths.Jar(entries.sha256(), size));
        }
        in.data(decoder.limit(), "id", MAX_TEXT_BYTES);
        String id = decoder.id();
        in.data(decoder.limit(), "source", MAX_TEXT_BYTES);
        String source = decoder.source();
        in.end(decoder.limit());
        return new JobRequest(id, source, jars);
    }

    public static JarPiece decodeJarPiece(byte[] payload) throws MalformedMessageException {
        JarPieceDecoder decoder = new JarPieceDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        long size = decoder.size();
        long offset = decoder.position();
        in.data(decoder.limit(), "sha256", MAX_TEXT_BYTES);
        String sha = decoder.sha256();
        int length = in.data(decoder.limit(), "bytes", PIECE_BYTES);
        byte[] bytes = new byte[length];
        decoder.getBytes(bytes, 0, length);
        in.end(decoder.limit());
        return new JarPiece(sha, size, offset, bytes);
    }

    public static JarRead decodeJarRead(byte[] payload) throws MalformedMessageException {
        JarReadDecoder decoder = new JarReadDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        long offset = decoder.position();
        int length = decoder.length();
        in.data(decoder.limit(), "sha256", MAX_TEXT_BYTES);
        String sha = decoder.sha256();
        in.end(decoder.limit());
        if (length < 0 || length > PIECE_BYTES) {
            throw in.malformed("length", "a jar read of " + length + " bytes, at most " + PIECE_BYTES);
        }
        return new JarRead(sha, offset, length);
    }
}
