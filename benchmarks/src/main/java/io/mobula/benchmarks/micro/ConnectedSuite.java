package io.mobula.benchmarks.micro;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mobula.Mobula;
import io.mobula.cli.StartCommand;
import io.mobula.cli.StopCommand;

/**
 * The connected column: a head node started as a daemon of its own (in a private state directory),
 * and this process connected to it as a driver; the cases that apply run again through it.
 */
final class ConnectedSuite {
    /**
     * The least warm-up of a connected case. The node is a fresh JVM whose serving path compiles
     * during its first seconds of traffic: after a 0.7 s warm-up, 2 s windows read 13–19 k sync task
     * round trips a second; after 3 s, 36–38 k (the same build, the same machine).
     */
    private static final long WARMUP_MS = 3_000;

    private ConnectedSuite() {
    }

    static List<Measurement> run(List<MicroCase> cases, long measureMs, PrintStream progress) throws Exception {
        List<Measurement> results = new ArrayList<>();
        Path home = Files.createTempDirectory("mobula-microbenchmark");
        String previous = System.getProperty("mobula.home");
        System.setProperty("mobula.home", home.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(log, true, StandardCharsets.UTF_8);
        try {
            int port = io.mobula.transport.AeronChannels.freeUdpPort();
            progress.printf("\r%-60s", "starting a node for the connected cases...");
            if (new StartCommand().run(List.of("--head", "--port", Integer.toString(port)), quiet, quiet) != 0) {
                throw new IllegalStateException("could not start a node for the connected cases: " + log);
            }
            try (Mobula driver = Mobula.init("127.0.0.1:" + port); SuiteContext context = new SuiteContext(driver)) {
                List<MicroCase> connected = cases.stream().filter(MicroCase::connected).toList();
                for (int i = 0; i < connected.size(); i++) {
                    MicroCase c = connected.get(i);
                    progress.printf("\r[%2d/%d] %-48s", i + 1, connected.size(), c.name() + " (connected)");
                    MicroCase.Trial trial = c.setup().prepare(context);
                    results.add(new Measurement(c, MicrobenchmarkCommand.measure(trial, context,
                        Math.max(WARMUP_MS, measureMs / 3), measureMs), Double.NaN, true));
                }
            } finally {
                new StopCommand().run(List.of(), quiet, quiet);
            }
        } finally {
            if (previous == null) {
                System.clearProperty("mobula.home");
            } else {
                System.setProperty("mobula.home", previous);
            }
        }
        progress.printf("\r%-60s\r", "");
        return results;
    }
}
