package io.mobula.cluster.host;

import java.util.Properties;

/**
 * What a host knows of a node it started: its pid, address (where its transport listens), whether
 * it is the head, its object-store arena file, and its Aeron media driver's directory (a process on
 * this host reaches the node over Aeron IPC through it).
 */
public record NodeRecord(long pid, String address, boolean head, String arena, String aeronDirectory) {
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("address", address);
        p.setProperty("head", Boolean.toString(head));
        p.setProperty("arena", arena == null ? "" : arena);
        p.setProperty("aeron", aeronDirectory == null ? "" : aeronDirectory);
        return p;
    }

    static NodeRecord fromProperties(Properties p) {
        return new NodeRecord(Long.parseLong(p.getProperty("pid")), p.getProperty("address"),
            Boolean.parseBoolean(p.getProperty("head")), p.getProperty("arena", ""), p.getProperty("aeron", ""));
    }

    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
