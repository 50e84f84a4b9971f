package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.proto.CoordinatorMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the coordinator sends down an agent stream, and how the stream ended. */
final class StreamRecorder implements StreamObserver<CoordinatorMessage> {
    final List<CoordinatorMessage> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void onNext(CoordinatorMessage value) {
        messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
        closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        closed.complete(Status.OK);
    }
}
