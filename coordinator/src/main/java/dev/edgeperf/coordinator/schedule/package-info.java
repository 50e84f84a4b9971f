/**
 * From a submitted campaign to leased jobs. {@link dev.edgeperf.coordinator.schedule.CampaignPlanner}
 * checks a request against a fleet snapshot and plans it (pure);
 * {@link dev.edgeperf.coordinator.schedule.VariantPreparation} builds, stores and profiles its variants
 * off the gRPC thread; {@link dev.edgeperf.coordinator.schedule.Campaigns} is the facade for submit,
 * cancel, list and status; {@link dev.edgeperf.coordinator.schedule.JobScheduler} leases jobs to
 * connected agents (one per agent, and per physical host, at a time), records results before they are
 * acknowledged and returns leases to the queue when an agent goes away.
 */
package dev.edgeperf.coordinator.schedule;
