/**
 * File helpers every module shares: the content digest (SHA-256 hex) that names artifacts, variants
 * and weights, and the atomic write (temp file in the same folder, fsync, atomic move) that keeps
 * a crash from leaving a half-written file under the real name.
 */
package dev.edgeperf.core.io;
