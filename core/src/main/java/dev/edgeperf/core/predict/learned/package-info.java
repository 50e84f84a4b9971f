/**
 * The learned-from-campaigns correction: a ridge regression of log(measured / base prediction) over
 * cells that earlier campaigns measured on the same device, fitted without the model being predicted.
 */
package dev.edgeperf.core.predict.learned;
