package io.mobula.ml.data;

import java.io.InputStream;

/**
 * The data files shipped in this module's jar under {@code data/} (sources and licences in
 * {@code data/README.md} beside them), read from the class path so the programs run the same from
 * any clone or jar.
 */
public final class ShippedTrainingData {
    /** UCI handwritten digits, 1,797 rows of 64 pixel counts; label in column 64, no header. */
    public static final String DIGITS = "data/classification/digits.csv.gz";
    /** Fisher's iris, 150 rows; a metadata header line, label in column 4. */
    public static final String IRIS = "data/classification/iris.csv";
    /** UCI wine, 178 rows; a metadata header line, label in column 13. */
    public static final String WINE = "data/classification/wine_data.csv";
    /** UCI mushroom in LibSVM form, 6,513 rows (the stream the online learner replays). */
    public static final String AGARICUS_TRAIN = "data/online/agaricus.txt.train";
    /** The held-out 1,611 rows. */
    public static final String AGARICUS_TEST = "data/online/agaricus.txt.test";

    /** The line to print wherever the shipped data's results are shown. */
    public static final String ATTRIBUTION = "data: UCI Machine Learning Repository (Dua & Graff; CC BY 4.0), "
        + "digits/iris/wine via scikit-learn (BSD-3-Clause), mushroom via XGBoost's demo (Apache-2.0)";

    private ShippedTrainingData() {
    }

    /** Opens a shipped file; the caller closes the stream. */
    public static InputStream open(String path) {
        InputStream in = ShippedTrainingData.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new DataFileException(path, 0, "is not on the class path", "put mobula-ml's jar or ml/target/classes on it");
        }
        return in;
    }

    /** Reads a shipped CSV. */
    public static LabeledRows csv(String path, String labelColumn, boolean skipHeader) {
        try (InputStream in = open(path)) {
            return new CsvReader(labelColumn, skipHeader).read(path, in);
        } catch (java.io.IOException e) {
            throw new DataFileException(path, 0, "cannot be closed (" + e.getMessage() + ")", null, e);
        }
    }
}
