package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which physical hosts are measuring. Two agent processes on one board must not measure at the same
 * time (each would see the other's load in its latencies), so a host runs at most one job unless
 * hosts are shared. Keeps each host's agents in connection order, so that a freed host is offered to
 * its agents in turn rather than always to the one that just finished. Not thread-safe: the
 * scheduler's lock guards it.
 */
final class HostLocks {
    private final boolean shared;
    /** host -> id of the agent whose job occupies it. */
    private final Map<String, String> holders = new HashMap<>();
    /** host -> its connected agents, in connection order. */
    private final Map<String, List<ConnectedAgent>> members = new HashMap<>();

    /** @param shared true = no exclusivity: every agent may run a job whatever its host does */
    HostLocks(boolean shared) {
        this.shared = shared;
    }

    void join(ConnectedAgent agent) {
        if (!shared) {
            members.computeIfAbsent(agent.host(), h -> new ArrayList<>()).add(agent);
        }
    }

    void leave(ConnectedAgent agent) {
        List<ConnectedAgent> list = members.get(agent.host());
        if (list != null) {
            list.remove(agent);
            if (list.isEmpty()) {
                members.remove(agent.host());
            }
        }
    }

    /** False while another agent on the same host runs a job. */
    boolean mayRun(ConnectedAgent agent) {
        if (shared) {
            return true;
        }
        String holder = holders.get(agent.host());
        return holder == null || holder.equals(agent.id());
    }

    void occupy(ConnectedAgent agent) {
        if (!shared) {
            holders.put(agent.host(), agent.id());
        }
    }

    /** Frees the agent's host if the agent holds it; true if it did. */
    boolean vacate(ConnectedAgent agent) {
        return !shared && holders.remove(agent.host(), agent.id());
    }

    /**
     * The agents to offer {@code agent}'s freed host to, in turn: the others after it in connection
     * order, then itself.
     */
    List<ConnectedAgent> turnAfter(ConnectedAgent agent) {
        List<ConnectedAgent> list = members.get(agent.host());
        if (list == null || list.size() < 2) {
            return List.of(agent);
        }
        int at = list.indexOf(agent);
        List<ConnectedAgent> turn = new ArrayList<>(list.size());
        for (int i = 1; i <= list.size(); i++) {
            ConnectedAgent next = list.get(Math.floorMod(at + i, list.size()));
            if (next != agent) {
                turn.add(next);
            }
        }
        turn.add(agent);
        return turn;
    }

    /** Other connected agents on {@code agent}'s host (empty when hosts are shared). */
    List<String> peerNames(ConnectedAgent agent) {
        List<String> names = new ArrayList<>();
        for (ConnectedAgent a : members.getOrDefault(agent.host(), List.of())) {
            if (a != agent) {
                names.add(a.name());
            }
        }
        return names;
    }
}
