package io.mobula.cli;

import io.mobula.command.UsageException;
import io.mobula.command.CliCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class MobulaCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private final CliCommand echo = new CliCommand() {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public String summary() {
            return "print the arguments";
        }

        @Override
        public String usage() {
            return "echo [--upper] WORDS...";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
            if (args.contains("--bad")) {
                throw new UsageException("unknown flag --bad");
            }
            out.println(String.join(" ", args));
            return 0;
        }
    };

    private int run(String... args) {
        return new MobulaCli(List.of(echo)).run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("mobula " + MobulaCli.VERSION));
        assertTrue(MobulaCli.VERSION.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"),
            "the version is the pom's, filtered in by the build: " + MobulaCli.VERSION);
        assertEquals(0, run("help"));
        assertTrue(out.toString().contains("echo") && out.toString().contains("print the arguments"));
        assertEquals(0, run("help", "echo"));
        assertTrue(out.toString().contains("usage: mobula echo [--upper] WORDS..."));
    }

    @Test
    void commandsRun() {
        assertEquals(0, run("echo", "a", "b"));
        assertEquals("a b", out.toString().trim());
    }

    @Test
    void unknownCommandIsOneLineAndTheUsage() {
        assertEquals(2, run("frobnicate"));
        String[] lines = err.toString().split("\n");
        assertEquals("mobula: unknown command 'frobnicate'", lines[0]);
        assertTrue(lines[1].startsWith("usage: mobula"));
        assertEquals(2, run());
    }

    @Test
    void badFlagIsOneLineAndTheCommandsUsage() {
        assertEquals(2, run("echo", "--bad"));
        assertEquals("mobula echo: unknown flag --bad\nusage: mobula echo [--upper] WORDS...\n", err.toString());
    }
}
