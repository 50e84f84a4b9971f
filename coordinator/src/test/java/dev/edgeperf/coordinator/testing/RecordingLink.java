package dev.edgeperf.coordinator.testing;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.LeasedJob;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/** Records what the scheduler tells one agent, in order. */
public class RecordingLink implements AgentLink {
    /** One acknowledgement; {@link #statusCode()} is what the wire carries (0 = stored). */
    public record Ack(String jobId, int attempt, CommitOutcome outcome, String message) {
        public int statusCode() {
            return outcome.code() == Status.Code.OK ? 0 : outcome.code().value();
        }
    }

    private final List<String> welcomes = new ArrayList<>();
    private final List<LeasedJob> jobs = new ArrayList<>();
    private final List<Ack> acks = new ArrayList<>();
    private final List<String> closedWith = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void welcome(String agentId, int heartbeatIntervalMs) {
        welcomes.add(agentId);
        events.add("welcome " + agentId);
    }

    @Override
    public synchronized void assign(LeasedJob job) {
        jobs.add(job);
        events.add("job " + job.jobId() + "/" + job.attempt());
    }

    @Override
    public synchronized void acknowledge(String jobId, int attempt, CommitOutcome outcome, String message) {
        beforeAck(jobId, attempt);
        acks.add(new Ack(jobId, attempt, outcome, message));
        events.add("ack " + jobId + "/" + attempt);
    }

    /** Called as an ack is recorded (tests look at the store at that moment). */
    protected void beforeAck(String jobId, int attempt) {
    }

    @Override
    public synchronized void close(String reason) {
        closedWith.add(reason);
    }

    public synchronized List<String> welcomes() {
        return List.copyOf(welcomes);
    }

    public synchronized List<LeasedJob> jobs() {
        return List.copyOf(jobs);
    }

    public synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    public synchronized List<String> closedWith() {
        return List.copyOf(closedWith);
    }

    /** "welcome ID", "job ID/ATTEMPT", "ack ID/ATTEMPT" in the order they were sent. */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }
}
