/**
 * Campaign specs: the YAML file a user writes (models x variants x batch sizes x threads x modes x
 * device selectors x measurement settings), parsed with line numbers for every error.
 */
package dev.edgeperf.coordinator.spec;
