package io.mobula.cluster.wire;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's answer to a status request, as {@code key=value} lines on the wire: resources (total and
 * available), store use, tasks and actors. Readers ignore keys they do not know.
 */
public record NodeStatus(Map<String, String> fields) {
    public static final String REQUEST = "status";

    public byte[] encode() {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static NodeStatus decode(byte[] bytes) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new NodeStatus(fields);
    }

    public String get(String key) {
        return fields.getOrDefault(key, "");
    }

    public double number(String key) {
        String v = get(key);
        return v.isEmpty() ? 0 : Double.parseDouble(v);
    }
}
