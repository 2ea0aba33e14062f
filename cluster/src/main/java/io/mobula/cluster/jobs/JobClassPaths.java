package io.mobula.cluster.jobs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.mobula.store.codec.ValueCodec;

/**
 * The class paths of the jobs a node runs work for. A job's class path is a list of jars named by
 * their SHA-256 and the job by the hash of that list, so equal jars are kept once per host (in the
 * state directory's {@code jars/}) and a job's id says exactly which classes it means. A node that
 * lacks a jar gets it once: pushed by the driver that submitted the job, or fetched from the node
 * that passed it the job's work. Each job gets a class loader over its jars (the node's own classes
 * first) and a codec that reads values with it.
 */
public final class JobClassPaths {
    /** One jar of a job: its content hash and length. */
    public record Jar(String sha256, long size) {
    }

    /** A job ready to run: its jars, a loader over them, and a codec that sees their classes. */
    public record Job(String id, List<Jar> jars, ClassLoader loader, ValueCodec codec) {
    }

    /**
     * The codec that reads values with a loader's classes, refs nested in them crossing as this
     * node's do: given, not made here, because how refs cross belongs to the node's service (set
     * once by it, before any job).
     */
    private volatile Function<ClassLoader, ValueCodec> codecs;
    /** The node's own classes: work that names no job. */
    private volatile Job nodeClasses;

    private final Path directory;
    private final Map<String, CompletableFuture<Job>> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<Jar>> classPaths = new ConcurrentHashMap<>();

    /** @param codecs the codec for a loader until {@link #crossRefsThrough} gives the one refs cross through. */
    public JobClassPaths(Path directory, Function<ClassLoader, ValueCodec> codecs) {
        this.directory = directory;
        this.codecs = codecs;
        this.nodeClasses = new Job("", List.of(), JobClassPaths.class.getClassLoader(),
            codecs.apply(JobClassPaths.class.getClassLoader()));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the jars directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The jobs' values are read and written with {@code codecs}' codec for their loader, refs nested in them crossing. */
    public void crossRefsThrough(Function<ClassLoader, ValueCodec> codecs) {
        this.codecs = codecs;
        ClassLoader own = JobClassPaths.class.getClassLoader();
        this.nodeClasses = new Job("", List.of(), own, codecs.apply(own));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** A job's id: the hash of its jars' hashes, in class path order. */
    public static String jobId(List<Jar> jars) {
        StringBuilder list = new StringBuilder();
        for (Jar jar : jars) {
            list.append(jar.sha256()).append(',');
        }
        return sha256(list.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The job, when its class path is here; null if this node has never heard of it. */
    public CompletableFuture<Job> job(String id) {
        return id.isEmpty() ? CompletableFuture.completedFuture(nodeClasses) : jobs.get(id);
    }

    /** The jars of a job this node has heard of, or null. */
    public List<Jar> jars(String id) {
        return classPaths.get(id);
    }

    /** The jars of {@code jars} not here yet. */
    public List<Jar> missing(List<Jar> jars) {
        List<Jar> missing = new ArrayList<>();
        for (Jar jar : jars) {
            if (!Files.exists(file(jar))) {
                missing.add(jar);
            }
        }
        return missing;
    }

    /**
     * Registers a job; it is ready once all its jars are here (now, or as {@link #putPiece} brings
     * the last of them).
     *
     * @throws IllegalArgumentException if the id is not the hash of the jars.
     */
    public CompletableFuture<Job> register(String id, List<Jar> jars) {
        if (!id.equals(jobId(jars))) {
            throw new IllegalArgumentException("job id " + id + " is not the hash of its jars");
        }
        CompletableFuture<Job> job = jobs.computeIfAbsent(id, k -> new CompletableFuture<>());
        classPaths.putIfAbsent(id, List.copyOf(jars));
        completeReady();
        return job;
    }

    /** Writes a piece of a jar; the last piece checks the hash and makes the jar visible. */
    public synchronized void putPiece(String sha256, long size, long offset, byte[] bytes) throws IOException {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IOException("not a jar hash: '" + sha256 + "'");
        }
        Path partial = directory.resolve(sha256 + ".part");
        if (offset < 0 || offset + bytes.length > size) {
            throw new IOException("a piece at " + offset + " of " + bytes.length + " bytes does not fit a jar of " + size);
        }
        try (RandomAccessFile out = new RandomAccessFile(partial.toFile(), "rw")) {
            out.seek(offset);
            out.write(bytes);
        }
        if (offset + bytes.length == size) {
            byte[] whole = Files.readAllBytes(partial);
            if (whole.length != size || !sha256(whole).equals(sha256)) {
                Files.deleteIfExists(partial);
                throw new IOException("jar " + sha256 + " arrived with other content (its hash differs); send it again");
            }
            Files.move(partial, file(new Jar(sha256, size)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            completeReady();
        }
    }

    /** Reads a piece of a jar that is here. */
    public byte[] readPiece(String sha256, long offset, int length) throws IOException {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IOException("not a jar hash: '" + sha256 + "'");
        }
        try (RandomAccessFile in = new RandomAccessFile(directory.resolve(sha256 + ".jar").toFile(), "r")) {
            long left = Math.max(0, in.length() - offset);
            byte[] piece = new byte[(int) Math.min(length, left)];
            in.seek(offset);
            in.readFully(piece);
            return piece;
        }
    }

    private synchronized void completeReady() {
        for (Map.Entry<String, List<Jar>> waiting : classPaths.entrySet()) {
            CompletableFuture<Job> job = jobs.get(waiting.getKey());
            if (job == null || job.isDone() || !missing(waiting.getValue()).isEmpty()) {
                continue;
            }
            List<URL> urls = new ArrayList<>();
            for (Jar jar : waiting.getValue()) {
                try {
                    urls.add(file(jar).toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
            URLClassLoader loader = new URLClassLoader("job-" + waiting.getKey().substring(0, 12), urls.toArray(URL[]::new),
                JobClassPaths.class.getClassLoader());
            job.complete(new Job(waiting.getKey(), waiting.getValue(), loader, codecs.apply(loader)));
        }
    }

    private Path file(Jar jar) {
        return directory.resolve(jar.sha256() + ".jar");
    }
}
