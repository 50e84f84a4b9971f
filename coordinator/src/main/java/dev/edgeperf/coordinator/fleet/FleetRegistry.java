package dev.edgeperf.coordinator.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Connected agents by name. Names are unique among connected agents only. */
public final class FleetRegistry {
    private final Map<String, ConnectedAgent> byName = new LinkedHashMap<>();

    /**
     * Adds the agent {@code create} builds, unless an agent of that name is connected. {@code create}
     * runs under the registry lock so two streams racing for one name cannot both win.
     *
     * @throws AgentNameTakenException when {@code name} is connected already
     */
    public synchronized ConnectedAgent connect(String name, Supplier<ConnectedAgent> create) {
        if (byName.containsKey(name)) {
            throw new AgentNameTakenException(name);
        }
        ConnectedAgent agent = create.get();
        byName.put(name, agent);
        notifyAll();
        return agent;
    }

    /** Removes {@code agent} if it is still the one registered under its name; true if it was. */
    public synchronized boolean disconnect(ConnectedAgent agent) {
        boolean removed = byName.remove(agent.name(), agent);
        notifyAll();
        return removed;
    }

    /** True while {@code agent} (this very stream, not just its name) is registered. */
    public synchronized boolean isConnected(ConnectedAgent agent) {
        return byName.get(agent.name()) == agent;
    }

    /** Connected agents ordered by name. */
    public synchronized List<ConnectedAgent> connected() {
        List<ConnectedAgent> agents = new ArrayList<>(byName.values());
        agents.sort(Comparator.comparing(ConnectedAgent::name));
        return agents;
    }

    public synchronized Optional<ConnectedAgent> byId(String agentId) {
        return byName.values().stream().filter(a -> a.id().equals(agentId)).findFirst();
    }

    /**
     * Waits until at least {@code count} agents are connected.
     *
     * @return true when they are, false when {@code timeout} passed first
     */
    public synchronized boolean awaitConnected(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (byName.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
