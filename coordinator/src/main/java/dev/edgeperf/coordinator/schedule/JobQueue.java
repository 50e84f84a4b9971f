package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.Selector;
import dev.edgeperf.coordinator.store.LeasedJob;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Queued jobs in queue order (older campaigns first, then submission order), indexed so that an
 * idle agent finds its next job quickly: jobs bound to one agent by agent id, the others scanned in
 * order for the first whose selector matches. Not thread-safe: the scheduler's lock guards it.
 */
final class JobQueue {
    private record Key(long createdMs, String campaignId, int seq) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::createdMs)
            .thenComparing(Key::campaignId).thenComparingInt(Key::seq);

    private final Map<String, TreeMap<Key, LeasedJob>> bound = new HashMap<>();
    private final TreeMap<Key, LeasedJob> open = new TreeMap<>(ORDER);
    private final Map<String, LeasedJob> byId = new HashMap<>();
    private final Map<String, Selector> selectors = new HashMap<>();

    void add(LeasedJob job) {
        remove(job.jobId());
        Key key = new Key(job.campaignCreatedMs(), job.campaignId(), job.seq());
        byId.put(job.jobId(), job);
        if (job.targetAgentId() != null) {
            bound.computeIfAbsent(job.targetAgentId(), id -> new TreeMap<>(ORDER)).put(key, job);
        } else {
            open.put(key, job);
        }
    }

    void remove(String jobId) {
        LeasedJob job = byId.remove(jobId);
        if (job == null) {
            return;
        }
        Key key = new Key(job.campaignCreatedMs(), job.campaignId(), job.seq());
        if (job.targetAgentId() == null) {
            open.remove(key);
        } else {
            TreeMap<Key, LeasedJob> mine = bound.get(job.targetAgentId());
            if (mine != null) {
                mine.remove(key);
                if (mine.isEmpty()) {
                    bound.remove(job.targetAgentId());
                }
            }
        }
    }

    int size() {
        return byId.size();
    }

    /** Removes and returns the oldest job this agent may run. */
    Optional<LeasedJob> poll(ConnectedAgent agent) {
        TreeMap<Key, LeasedJob> mine = bound.get(agent.id());
        Map.Entry<Key, LeasedJob> first = mine == null ? null : mine.firstEntry();
        for (Iterator<Map.Entry<Key, LeasedJob>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, LeasedJob> e = it.next();
            if (first != null && ORDER.compare(e.getKey(), first.getKey()) > 0) {
                break;
            }
            if (selector(e.getValue().selector()).matches(agent.traits())) {
                first = e;
                break;
            }
        }
        if (first == null) {
            return Optional.empty();
        }
        remove(first.getValue().jobId());
        return Optional.of(first.getValue());
    }

    private Selector selector(String text) {
        return selectors.computeIfAbsent(text, Selector::parse);
    }
}
