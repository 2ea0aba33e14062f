package io.mobula.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Test;

class JvmFlagsTest {
    /**
     * Surefire starts this JVM with the flags the build read from jvm.flags, and {@link JvmFlags}
     * reads the copy in the jar: if either reader lost a flag, this JVM and the list disagree.
     */
    @Test
    void thisJvmWasStartedWithEveryFlagOfTheList() {
        List<String> flags = JvmFlags.all();
        assertFalse(flags.isEmpty());
        List<String> started = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> missing = flags.stream().filter(flag -> !started.contains(flag)).toList();
        assertEquals(List.of(), missing, () -> "started with " + started);
    }

    @Test
    void commentsAndBlankLinesAreSkipped() {
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED"),
            JvmFlags.parse("# why\n\n  --enable-native-access=ALL-UNNAMED  \n# more\n--add-opens=java.base/java.nio=ALL-UNNAMED\n"));
    }

    @Test
    void aFlagAndItsValueAsTwoWordsAreRefused() {
        assertThrows(IllegalStateException.class, () -> JvmFlags.parse("--add-opens java.base/java.nio=ALL-UNNAMED\n"));
        assertThrows(IllegalStateException.class, () -> JvmFlags.parse("ALL-UNNAMED\n"));
    }
}
