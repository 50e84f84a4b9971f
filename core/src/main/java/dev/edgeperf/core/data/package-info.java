/**
 * Real labelled datasets (MNIST, Fashion-MNIST) read from IDX files, normalised to float NCHW
 * tensors for training, calibration and accuracy checks. {@code scripts/fetch-datasets.sh} puts
 * the files where {@link dev.edgeperf.core.data.DatasetLocator} looks for them.
 */
package dev.edgeperf.core.data;
