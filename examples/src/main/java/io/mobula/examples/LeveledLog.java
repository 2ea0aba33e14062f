package io.mobula.examples;

import java.util.List;

import io.mobula.data.examples.LogFormat;

/** A log file shipped on the class path, and the format that says where its level is. */
public record LeveledLog(String resource, LogFormat format) {
    /** The two leveled logs the log-mining seed reads. */
    public static final List<LeveledLog> SHIPPED = List.of(
        new LeveledLog(ExampleData.NOVA_CONDUCTOR_LOG, LogFormat.OSLO),
        new LeveledLog(ExampleData.KAFKA_SERVER_LOG, LogFormat.LOG4J));

    /** The file name, without its folder. */
    public String fileName() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }
}
