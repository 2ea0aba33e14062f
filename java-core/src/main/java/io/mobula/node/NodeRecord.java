package io.mobula.node;

import java.util.Properties;

/**
 * What a host knows of a node it started: its pid, address (where its transport listens), whether
 * it is the head, and its object-store arena file.
 */
public record NodeRecord(long pid, String address, boolean head, String arena) {
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("address", address);
        p.setProperty("head", Boolean.toString(head));
        p.setProperty("arena", arena == null ? "" : arena);
        return p;
    }

    static NodeRecord fromProperties(Properties p) {
        return new NodeRecord(Long.parseLong(p.getProperty("pid")), p.getProperty("address"),
            Boolean.parseBoolean(p.getProperty("head")), p.getProperty("arena", ""));
    }

    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
