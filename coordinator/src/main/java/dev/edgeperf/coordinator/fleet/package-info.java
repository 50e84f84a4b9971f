/**
 * Agents connected right now: one live stream per agent name. What has ever connected lives in
 * the store; this package only knows who can be sent a job at this moment.
 */
package dev.edgeperf.coordinator.fleet;
