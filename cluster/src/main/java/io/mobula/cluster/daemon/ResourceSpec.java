package io.mobula.cluster.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's declared resources as the command line takes them: JSON-like
 * {@code {"CPU":4,"GPU":1,"camera":2}}, or {@code CPU=4,GPU=1,camera=2}.
 */
public final class ResourceSpec {
    private static final Pattern JSON_ENTRY = Pattern.compile("\\s*\"([^\"]+)\"\\s*:\\s*([0-9]+(?:\\.[0-9]+)?)\\s*");
    private static final Pattern PLAIN_ENTRY = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*([0-9]+(?:\\.[0-9]+)?)\\s*");

    private ResourceSpec() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the text. */
    public static Map<String, Double> parse(String text) {
        String body = text.trim();
        boolean json = body.startsWith("{");
        if (json) {
            if (!body.endsWith("}")) {
                throw new IllegalArgumentException("resources " + text + " do not end with '}'");
            }
            body = body.substring(1, body.length() - 1);
        }
        Map<String, Double> resources = new LinkedHashMap<>();
        if (body.isBlank()) {
            return resources;
        }
        for (String entry : body.split(",")) {
            Matcher m = (json ? JSON_ENTRY : PLAIN_ENTRY).matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("cannot read resource '" + entry.trim() + "' in " + text
                    + "; write {\"CPU\":4,\"GPU\":1,\"custom\":2}");
            }
            resources.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return resources;
    }
}
