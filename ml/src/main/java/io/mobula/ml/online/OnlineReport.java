package io.mobula.ml.online;

/**
 * What a replay measured. Freshness: from a label's arrival to the moment a served model includes
 * it. Serving: the round trip of a prediction query, made while training and swaps ran.
 * {@code failedQueries} counts queries that threw or answered no probability; {@code versionRegressions} counts answers from
 * an older model than one the same client had already seen.
 */
public record OnlineReport(long events, long modelsPublished, long swapsInstalled, double freshnessP50Ms, double freshnessP99Ms,
                           double freshnessMaxMs, long queries, long failedQueries, long versionRegressions, double servingP50Ms,
                           double servingP99Ms, double progressiveAccuracy, double testAccuracy, int testRows, double seconds) {
}
