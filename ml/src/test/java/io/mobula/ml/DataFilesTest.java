package io.mobula.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ml.data.CsvReader;
import io.mobula.ml.data.DataFileException;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.LibSvmReader;
import io.mobula.ml.data.ShippedTrainingData;
import io.mobula.ml.data.SparseExample;

class DataFilesTest {
    @TempDir
    Path dir;

    private static LabeledRows csv(String text, String label, boolean header) {
        return new CsvReader(label, header).read("t.csv", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static DataFileException csvError(String text, String label, boolean header) {
        return assertThrows(DataFileException.class, () -> csv(text, label, header));
    }

    @Test
    void readsTheShippedFilesWithTheirShapes() {
        LabeledRows digits = ShippedTrainingData.csv(ShippedTrainingData.DIGITS, "64", false);
        assertEquals(1797, digits.rows());
        assertEquals(64, digits.featureCount());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), digits.classNames());
        LabeledRows wine = ShippedTrainingData.csv(ShippedTrainingData.WINE, "13", true);
        assertEquals(178, wine.rows());
        assertEquals(List.of("0", "1", "2"), wine.classNames());
        assertEquals(14.23, wine.features()[0]);
    }

    @Test
    void readsGzipAndPlainFilesFromDiskAndLabelsByNameOrPosition() throws IOException {
        String text = "a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n";
        Path plain = Files.writeString(dir.resolve("small.csv"), text);
        Path gz = dir.resolve("small.csv.gz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(gz, bytes.toByteArray());
        for (Path file : List.of(plain, gz)) {
            LabeledRows byName = new CsvReader("kind", true).read(file);
            assertEquals(4, byName.rows());
            assertEquals(List.of("cat", "dog"), byName.classNames());
            assertEquals(List.of(0, 1, 0, 1), java.util.Arrays.stream(byName.labels()).boxed().toList());
        }
        LabeledRows first = csv("0,1.5,2\n1,2.5,3\n0,0.5,1\n1,9,9\n", "0", false);
        assertEquals(2, first.featureCount());
        assertEquals(1.5, first.features()[0]);
    }

    @Test
    void badFilesAndLabelsGetErrorsNamingTheLineCauseAndFix() {
        DataFileException header = csvError("a,b,c\n1,2,0\n3,4,1\n", "2", false);
        assertEquals(1, header.line());
        assertTrue(header.getMessage().contains("'a', not a finite number") && header.getMessage().contains("--skip-header"),
            header.getMessage());

        DataFileException ragged = csvError("1,2,0\n3,4\n", "last", false);
        assertEquals(2, ragged.line());
        assertTrue(ragged.getMessage().contains("has 2 columns where the first data row has 3"), ragged.getMessage());

        DataFileException noColumn = csvError("1,2,0\n3,4,1\n", "7", false);
        assertTrue(noColumn.getMessage().contains("no column 7") && noColumn.getMessage().contains("0..2") && noColumn.getMessage().contains("--skip-header"), noColumn.getMessage());

        DataFileException noName = csvError("x,y\n1,0\n2,1\n", "label", true);
        assertTrue(noName.getMessage().contains("no header column is named 'label'") && noName.getMessage().contains("[x, y]"),
            noName.getMessage());

        DataFileException nameWithoutHeader = csvError("1,0\n2,1\n", "label", false);
        assertTrue(nameWithoutHeader.getMessage().contains("the file has no header"), nameWithoutHeader.getMessage());

        DataFileException oneClass = csvError("1,0\n2,0\n", "1", false);
        assertTrue(oneClass.getMessage().contains("at least two classes"), oneClass.getMessage());

        DataFileException featureAsLabel = csvError("1,0.5\n2,0.25\n3,0.125\n4,0.0625\n5,1\n", "1", false);
        assertTrue(featureAsLabel.getMessage().contains("looks like a feature rather than a class"), featureAsLabel.getMessage());

        DataFileException empty = csvError("\n\n", "0", false);
        assertTrue(empty.getMessage().contains("no data rows"), empty.getMessage());

        DataFileException missing = assertThrows(DataFileException.class,
            () -> new CsvReader("0", false).read(dir.resolve("absent.csv")));
        assertTrue(missing.getMessage().contains("no such file") && missing.getMessage().contains("--data"), missing.getMessage());

        DataFileException notGzip = assertThrows(DataFileException.class, () -> new CsvReader("0", false)
            .read("fake.csv.gz", new ByteArrayInputStream("1,2\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(notGzip.getMessage().contains("gzip"), notGzip.getMessage());
    }

    @Test
    void readsLibSvmAndRejectsBadRows() {
        List<SparseExample> rows = LibSvmReader.read("t.txt", new ByteArrayInputStream("1 3:1 10:1\n-1 2:0.5\n\n".getBytes(
            StandardCharsets.UTF_8)));
        assertEquals(2, rows.size());
        assertEquals(1, rows.get(0).label());
        assertEquals(0, rows.get(1).label());
        assertEquals(10, rows.get(0).maxIndex());
        DataFileException label = assertThrows(DataFileException.class,
            () -> LibSvmReader.read("t.txt", new ByteArrayInputStream("1 3:1\n2 4:1\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(2, label.line());
        assertTrue(label.getMessage().contains("not binary"), label.getMessage());
        DataFileException pair = assertThrows(DataFileException.class,
            () -> LibSvmReader.read("t.txt", new ByteArrayInputStream("1 3-1\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(pair.getMessage().contains("'3-1' is not index:value"), pair.getMessage());
    }
}
