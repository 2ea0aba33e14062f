package io.mobula.ml.cli;

import java.nio.file.Path;

import io.mobula.command.UsageException;
import io.mobula.ml.data.CsvReader;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.ShippedTrainingData;

/**
 * The data a training program reads: {@code --data FILE --label COLUMN [--skip-header]}, or by
 * default the shipped digits; and how to name where it came from.
 */
record TrainingData(LabeledRows data, String source) {
    /** @throws UsageException for --data without --label, or --label/--skip-header without --data. */
    static TrainingData from(ProgramFlags flags) throws UsageException {
        if (flags.has("--data")) {
            if (!flags.has("--label")) {
                throw new UsageException("--data needs --label COLUMN (a 0-based index, 'last', or with --skip-header a header name)");
            }
            String file = flags.text("--data", null);
            return new TrainingData(new CsvReader(flags.text("--label", null), flags.has("--skip-header")).read(Path.of(file)),
                file);
        }
        if (flags.has("--label") || flags.has("--skip-header")) {
            throw new UsageException("--label and --skip-header describe a --data file; give --data too");
        }
        return new TrainingData(ShippedTrainingData.csv(ShippedTrainingData.DIGITS, "64", false),
            ShippedTrainingData.DIGITS + " (" + ShippedTrainingData.ATTRIBUTION + ")");
    }
}
