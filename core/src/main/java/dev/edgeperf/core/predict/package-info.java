/**
 * Latency predictors behind one interface ({@link dev.edgeperf.core.predict.Predictor}): model cost
 * + device peaks + settings -> milliseconds per call. A new predictor goes here.
 */
package dev.edgeperf.core.predict;
