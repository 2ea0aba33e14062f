package io.mobula.store.arena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The integer constants of native/include/mobula_store.h, read as text: every
 * {@code #define MOBULA_X <number>} and every enumerator {@code MOBULA_X = <number>}.
 */
final class NativeFormatHeader {
    private static final Pattern DEFINE = Pattern.compile("#define\\s+(MOBULA_\\w+)\\s+(0x[0-9A-Fa-f]+|\\d+)[uUlL]*\\b");
    private static final Pattern ENUMERATOR = Pattern.compile("\\b(MOBULA_\\w+)\\s*=\\s*(0x[0-9A-Fa-f]+|\\d+)[uUlL]*\\b");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

    private final Map<String, Long> constants = new LinkedHashMap<>();

    private NativeFormatHeader(String source) {
        String code = COMMENT.matcher(source).replaceAll(" ");
        for (Pattern p : new Pattern[] {DEFINE, ENUMERATOR}) {
            Matcher m = p.matcher(code);
            while (m.find()) {
                constants.put(m.group(1), FormatDocument.parseNumber(m.group(2)));
            }
        }
    }

    static NativeFormatHeader read(Path path) throws IOException {
        return new NativeFormatHeader(Files.readString(path));
    }

    /** The constant's value, or null if the header does not declare it. */
    Long get(String name) {
        return constants.get(name);
    }

    /** Every constant whose name starts with {@code prefix}. */
    Map<String, Long> withPrefix(String prefix) {
        Map<String, Long> found = new LinkedHashMap<>();
        constants.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                found.put(name, value);
            }
        });
        return found;
    }

    /** {@code fooBar} as {@code FOO_BAR}: how a Java layout's field name is spelled in C. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }
}
