package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arena format is written three times: the Java descriptors (which the node writes the file
 * with), docs/object-store-format.md, and native/include/mobula_store.h (which the C reader and
 * its test use). This test holds the document and the C header to the Java descriptors, field by
 * field: every field's name, offset and size, every record's size, every slot state and every
 * format constant. A failure names the field and what each of the three says.
 */
class ArenaFormatAgreementTest {
    private static final String DOC = "docs/object-store-format.md";
    private static final String HEADER = "native/include/mobula_store.h";

    /** A record of the format: its section in the document, its C prefix, its Java layout and size. */
    private record Kind(String name, String heading, String cPrefix, StructLayout layout, long bytes, String cBytes) {
    }

    private static final List<Kind> RECORDS = List.of(
        new Kind("header", "## Header", "MOBULA_HEADER_", ArenaDescriptor.HEADER, ArenaDescriptor.HEADER_BYTES,
            "MOBULA_ARENA_HEADER_BYTES"),
        new Kind("client entry", "## Client table entry", "MOBULA_CLIENT_", ArenaDescriptor.CLIENT_ENTRY,
            ArenaDescriptor.CLIENT_BYTES, "MOBULA_ARENA_CLIENT_BYTES"),
        new Kind("index slot", "## Index slot", "MOBULA_SLOT_", IndexSlotDescriptor.SLOT, IndexSlotDescriptor.SLOT_BYTES,
            "MOBULA_ARENA_SLOT_BYTES"));

    private static final Map<String, Integer> JAVA_STATES = new LinkedHashMap<>();

    static {
        JAVA_STATES.put("EMPTY", IndexSlotDescriptor.EMPTY);
        JAVA_STATES.put("CREATED", IndexSlotDescriptor.CREATED);
        JAVA_STATES.put("SEALED", IndexSlotDescriptor.SEALED);
        JAVA_STATES.put("TOMBSTONE", IndexSlotDescriptor.TOMBSTONE);
    }

    private static FormatDocument doc;
    private static NativeFormatHeader c;

    @BeforeAll
    static void read() throws Exception {
        // Surefire runs in the module's directory and names it in "basedir"; the files are the
        // repository's, one level up.
        Path repository = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
        doc = FormatDocument.read(repository.resolve(DOC));
        c = NativeFormatHeader.read(repository.resolve(HEADER));
    }

    @Test
    void everyFieldHasTheSameOffsetAndSizeInJavaTheDocumentAndC() {
        List<String> problems = new ArrayList<>();
        for (Kind kind : RECORDS) {
            Map<Long, FormatDocument.Row> docRows = new TreeMap<>();
            for (FormatDocument.Row row : doc.table(kind.heading())) {
                docRows.put(row.offset(), row);
            }
            Map<Long, MemoryLayout> javaFields = new TreeMap<>();
            long offset = 0;
            for (MemoryLayout member : kind.layout().memberLayouts()) {
                javaFields.put(offset, member);
                offset += member.byteSize();
            }
            Map<String, Long> cFields = new LinkedHashMap<>(c.withPrefix(kind.cPrefix()));
            if (kind.layout() == IndexSlotDescriptor.SLOT) {
                JAVA_STATES.keySet().forEach(state -> cFields.remove(kind.cPrefix() + state));
            }

            java.util.SortedSet<Long> offsets = new java.util.TreeSet<>(docRows.keySet());
            offsets.addAll(javaFields.keySet());
            for (long at : offsets) {
                FormatDocument.Row row = docRows.get(at);
                MemoryLayout field = javaFields.get(at);
                String javaName = field == null ? null : field instanceof PaddingLayout ? "(reserved)" : field.name().orElseThrow();
                String name = javaName != null ? javaName : row.name();
                String cName = name.equals("(reserved)") ? null : kind.cPrefix() + NativeFormatHeader.snake(name);
                Long cOffset = cName == null ? null : cFields.remove(cName);
                boolean agree = row != null && field != null && row.name().equals(javaName) && row.bytes() == field.byteSize()
                    && (cName == null || Objects.equals(cOffset, at));
                if (!agree) {
                    problems.add(kind.name() + " field " + name + ": doc " + (row == null ? "has nothing at offset " + at
                        : "'" + row.name() + "' at " + at + " (" + row.bytes() + " bytes)") + "; Java " + (field == null
                        ? "has nothing at offset " + at : "'" + javaName + "' at " + at + " (" + field.byteSize() + " bytes)")
                        + (cName == null ? "" : "; C " + cName + " = " + (cOffset == null ? "(missing)" : cOffset)));
                }
            }
            cFields.forEach((cName, value) -> problems.add(kind.name() + ": C declares " + cName + " = " + value
                + ", a field neither the Java layout nor the document has at that name"));

            long javaBytes = kind.bytes();
            Long docBytes = number(doc.headingLine(kind.heading()), "(\\d+) bytes\\)");
            Long cBytes = c.get(kind.cBytes());
            if (!Objects.equals(docBytes, javaBytes) || !Objects.equals(cBytes, javaBytes)) {
                problems.add(kind.name() + " size: doc heading " + docBytes + ", Java " + javaBytes + ", C " + kind.cBytes()
                    + " = " + cBytes);
            }
            if (kind.layout().byteSize() > kind.bytes()) {
                problems.add(kind.name() + ": the Java layout's fields take " + kind.layout().byteSize() + " bytes, more than the "
                    + kind.bytes() + " the record has");
            }
        }
        assertTrue(problems.isEmpty(), "the arena format disagrees between Java, " + DOC + " and " + HEADER + ":\n  "
            + String.join("\n  ", problems));
    }

    @Test
    void theSlotStatesHaveTheSameValues() {
        Map<String, Long> docStates = new LinkedHashMap<>();
        FormatDocument.Row stateRow = doc.table("## Index slot").stream().filter(r -> r.name().equals("state")).findFirst()
            .orElseThrow(() -> new AssertionError(DOC + ": the index slot has no state row"));
        Matcher m = Pattern.compile("(\\d+) ([A-Z]+)").matcher(stateRow.description());
        while (m.find()) {
            docStates.put(m.group(2), Long.parseLong(m.group(1)));
        }
        List<String> problems = new ArrayList<>();
        java.util.Set<String> names = new java.util.LinkedHashSet<>(JAVA_STATES.keySet());
        names.addAll(docStates.keySet());
        for (String state : names) {
            Integer java = JAVA_STATES.get(state);
            Long inDoc = docStates.get(state);
            Long inC = c.get("MOBULA_SLOT_" + state);
            if (java == null || !Objects.equals(inDoc, (long) java) || !Objects.equals(inC, (long) java)) {
                problems.add("slot state " + state + ": doc " + inDoc + ", Java IndexSlotDescriptor." + state + " = " + java
                    + ", C MOBULA_SLOT_" + state + " = " + inC);
            }
        }
        assertTrue(problems.isEmpty(), "the slot states disagree:\n  " + String.join("\n  ", problems));
    }

    @Test
    void theFormatConstantsHaveTheSameValues() {
        Map<String, FormatDocument.Row> header = new LinkedHashMap<>();
        doc.table("## Header").forEach(row -> header.put(row.name(), row));
        long docHeaderUsed = doc.table("## Header").stream().mapToLong(r -> r.offset() + r.bytes()).max().orElse(-1);

        List<String> problems = new ArrayList<>();
        check(problems, "magic", leading(header, "magic"), ArenaDescriptor.MAGIC, "MOBULA_ARENA_MAGIC");
        check(problems, "format version", leading(header, "formatVersion"), ArenaDescriptor.FORMAT_VERSION,
            "MOBULA_STORE_FORMAT_VERSION");
        check(problems, "format version (title)", doc.number("# The object-store arena format \\(version (\\d+)\\)"),
            ArenaDescriptor.FORMAT_VERSION, "MOBULA_STORE_FORMAT_VERSION");
        check(problems, "header bytes", leading(header, "headerBytes"), ArenaDescriptor.HEADER_BYTES, "MOBULA_ARENA_HEADER_BYTES");
        check(problems, "header bytes that hold fields", docHeaderUsed, ArenaDescriptor.HEADER.byteSize(),
            "MOBULA_ARENA_HEADER_USED_BYTES");
        check(problems, "client entry bytes", leading(header, "clientBytes"), ArenaDescriptor.CLIENT_BYTES,
            "MOBULA_ARENA_CLIENT_BYTES");
        check(problems, "index slot bytes", leading(header, "slotBytes"), IndexSlotDescriptor.SLOT_BYTES, "MOBULA_ARENA_SLOT_BYTES");
        check(problems, "pin counter bytes", doc.number("\\(c \\* indexSlots \\+ s\\) \\* (\\d+)"), ArenaDescriptor.PIN_BYTES,
            "MOBULA_ARENA_PIN_BYTES");
        check(problems, "page bytes", doc.number("start on (\\d+)-byte pages"), ArenaDescriptor.PAGE_BYTES,
            "MOBULA_ARENA_PAGE_BYTES");
        check(problems, "block alignment", number(header.get("dataOffset").description(), "(\\d+)-byte aligned"),
            ArenaDescriptor.ALIGNMENT, "MOBULA_ARENA_ALIGNMENT");
        assertTrue(problems.isEmpty(), "the format constants disagree:\n  " + String.join("\n  ", problems));
    }

    private static void check(List<String> problems, String what, Long inDoc, long java, String cName) {
        Long inC = c.get(cName);
        if (!Objects.equals(inDoc, java) || !Objects.equals(inC, java)) {
            problems.add(what + ": doc " + hex(inDoc) + ", Java " + hex(java) + ", C " + cName + " = " + hex(inC));
        }
    }

    private static Long leading(Map<String, FormatDocument.Row> rows, String field) {
        FormatDocument.Row row = rows.get(field);
        return row == null ? null : row.leadingNumber();
    }

    private static Long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? FormatDocument.parseNumber(m.group(1)) : null;
    }

    private static String hex(Long value) {
        return value == null ? "(missing)" : value + (value > 255 ? " (0x" + Long.toHexString(value) + ")" : "");
    }
}
