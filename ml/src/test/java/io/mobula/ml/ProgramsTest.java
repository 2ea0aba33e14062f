package io.mobula.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.cli.RunCommand;
import io.mobula.command.UsageException;
import io.mobula.ml.data.DataFileException;

/** The programs as {@code mobula run} finds and runs them (through the ExampleProgram services). */
class ProgramsTest {
    @TempDir
    Path dir;

    private record Run(int code, String out) {
    }

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RunCommand().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    private static double accuracy(String out) {
        Matcher m = Pattern.compile("(?m)^test accuracy: (0\\.\\d{3})").matcher(out);
        assertTrue(m.find(), "a 'test accuracy: 0.NNN' line in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theThreeProgramsAreListed() throws Exception {
        String out = run().out();
        for (String name : List.of("sgd", "tune", "online")) {
            assertTrue(out.contains("usage: mobula run " + name), out);
        }
    }

    @Test
    void sgdOnDigitsPrintsLossPerEpochWritesThePlotAndEndsWithTheAccuracy() throws Exception {
        Path plot = dir.resolve("loss.svg");
        Run r = run("sgd", "--epochs", "3", "--workers", "2", "--mode", "async", "--lr", "0.05", "--plot", plot.toString());
        assertEquals(0, r.code());
        assertEquals(3, Pattern.compile("(?m)^epoch +\\d+/3 +loss \\d+\\.\\d{4}").matcher(r.out()).results().count(), r.out());
        assertTrue(accuracy(r.out()) >= 0.90, r.out());
        assertTrue(r.out().strip().endsWith(String.format("test accuracy: %.3f", accuracy(r.out()))), "the last line");
        String svg = Files.readString(plot);
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline") && svg.strip().endsWith("</svg>"), svg);
    }

    @Test
    void sgdReadsAnyCsvWithALabelColumn() throws Exception {
        Path iris = dir.resolve("iris.csv");
        try (var in = io.mobula.ml.data.ShippedTrainingData.open(io.mobula.ml.data.ShippedTrainingData.IRIS)) {
            Files.copy(in, iris);
        }
        Run r = run("sgd", "--data", iris.toString(), "--label", "4", "--skip-header", "--epochs", "30", "--workers", "2", "--batch", "8");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("150 rows, 4 features, 3 classes"), r.out());
        assertTrue(accuracy(r.out()) >= 0.85, r.out());
    }

    @Test
    void badFlagsAndFilesAreNamed() throws Exception {
        UsageException mode = assertThrows(UsageException.class, () -> run("sgd", "--mode", "sometimes"));
        assertTrue(mode.getMessage().contains("--mode must be sync or async, got 'sometimes'"), mode.getMessage());
        UsageException noLabel = assertThrows(UsageException.class, () -> run("sgd", "--data", "x.csv"));
        assertTrue(noLabel.getMessage().contains("--data needs --label"), noLabel.getMessage());
        UsageException lr = assertThrows(UsageException.class, () -> run("sgd", "--lr", "-1"));
        assertTrue(lr.getMessage().contains("--lr must be a number > 0"), lr.getMessage());
        UsageException unknown = assertThrows(UsageException.class, () -> run("tune", "--trails", "3"));
        assertTrue(unknown.getMessage().contains("unknown flag '--trails'"), unknown.getMessage());

        Path bad = Files.writeString(dir.resolve("bad.csv"), "f1,f2,label\n1,2,a\n3,4,b\n");
        DataFileException header = assertThrows(DataFileException.class, () -> run("sgd", "--data", bad.toString(), "--label", "2"));
        assertTrue(header.getMessage().contains("line 1") && header.getMessage().contains("--skip-header"), header.getMessage());
        DataFileException column = assertThrows(DataFileException.class,
            () -> run("sgd", "--data", bad.toString(), "--label", "grade", "--skip-header"));
        assertTrue(column.getMessage().contains("no header column is named 'grade'"), column.getMessage());
    }

    @Test
    void tuneReportsATableAndTheBestConfig() throws Exception {
        Run r = run("tune", "--trials", "4", "--epochs", "3", "--grace", "1", "--seed", "5");
        assertEquals(0, r.code());
        assertEquals(4, Pattern.compile("(?m)^\\d +\\d").matcher(r.out()).results().count(), r.out());
        assertTrue(r.out().contains("<- best") && r.out().contains("best: trial "), r.out());
        assertTrue(r.out().contains("stopped after epoch"), r.out());
    }

    @Test
    void onlineServesWhileLearningAndScoresTheTestRows() throws Exception {
        Run r = run("online", "--rate", "20000");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains(", 0 failed, 0 from an older model"), r.out());
        assertTrue(r.out().contains("label -> served model: p50 "), r.out());
        assertTrue(accuracy(r.out()) >= 0.95, r.out());
    }
}
