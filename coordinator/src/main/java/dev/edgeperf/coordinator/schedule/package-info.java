/**
 * Campaign planning (models x variants x batches x threads x agents -> jobs with predicted cost)
 * and job scheduling over connected agents: one job per agent, and per physical host, at a time;
 * results committed before they are acknowledged, leases returned to the queue when an agent goes away.
 */
package dev.edgeperf.coordinator.schedule;
