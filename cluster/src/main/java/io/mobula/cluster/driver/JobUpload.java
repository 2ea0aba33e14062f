package io.mobula.cluster.driver;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.mobula.MobulaException;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.wire.JobMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;

/**
 * A driver's side of {@link JobClassPaths}: the jars of its job ({@code mobula submit --jar}, which
 * sets {@code -Dmobula.job.jars}; or {@code MOBULA_JOB_JARS}), registered with the node it connects
 * to, which says which it lacks; those are sent in pieces. Calls then name the job, so the node (and
 * any node it passes work to) runs them with the job's classes.
 */
final class JobUpload {
    static final String PROPERTY = "mobula.job.jars";
    static final String ENVIRONMENT = "MOBULA_JOB_JARS";
    private static final long TIMEOUT_MS = 60_000;

    private JobUpload() {
    }

    /** The job's jars as this process was told them; empty for a program that ships none. */
    static List<Path> configuredJars() {
        String list = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
        if (list == null || list.isBlank()) {
            return List.of();
        }
        List<Path> jars = new ArrayList<>();
        for (String entry : list.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                jars.add(Path.of(entry.trim()));
            }
        }
        return jars;
    }

    /**
     * Registers the job with the node at {@code address} and sends what it lacks.
     *
     * @return the job's id ("" when there are no jars).
     * @throws MobulaException if a jar cannot be read or the node refuses it.
     */
    static String register(PeerSessions sessions, String address, List<Path> paths) throws Exception {
        if (paths.isEmpty()) {
            return "";
        }
        List<JobClassPaths.Jar> jars = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (Path path : paths) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new MobulaException("cannot read the job's jar " + path + ": " + e.getMessage(), e);
            }
            contents.add(bytes);
            jars.add(new JobClassPaths.Jar(JobClassPaths.sha256(bytes), bytes.length));
        }
        String id = JobClassPaths.jobId(jars);
        String missing = (String) ask(sessions, address, JobMessages.job(id, "", jars), "registering the job");
        Set<String> lacking = Set.of(missing.isEmpty() ? new String[0] : missing.split(","));
        for (int i = 0; i < jars.size(); i++) {
            JobClassPaths.Jar jar = jars.get(i);
            if (!lacking.contains(jar.sha256())) {
                continue;
            }
            byte[] bytes = contents.get(i);
            for (int offset = 0; offset < bytes.length || offset == 0; offset += JobMessages.PIECE_BYTES) {
                byte[] piece = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + JobMessages.PIECE_BYTES));
                ask(sessions, address, JobMessages.jarPiece(jar.sha256(), bytes.length, offset, piece), "sending " + paths.get(i));
            }
        }
        return id;
    }

    private static Object ask(PeerSessions sessions, String address, byte[] message, String what) throws Exception {
        return RemoteCall.decodeAnswer(sessions.send(address, message).get(TIMEOUT_MS, TimeUnit.MILLISECONDS), what);
    }
}
