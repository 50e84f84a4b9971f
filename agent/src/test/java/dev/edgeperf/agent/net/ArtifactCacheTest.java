package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LRU with a tiny limit: artifacts of 100 bytes served by a fake coordinator, time on a hand-moved clock. */
class ArtifactCacheTest {
    private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(1);
    private static final String TOKEN = "t";

    @TempDir
    Path dir;
    private FakeCoordinator coordinator;
    private ManagedChannel channel;
    private final SteppingClock clock = new SteppingClock();

    @BeforeEach
    void serve() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        channel = coordinator.channel();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        coordinator.close();
    }

    private ArtifactCache cache(long maxBytes) {
        return new ArtifactCache(dir, ArtifactServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(channel, new BearerTokenInterceptor(TOKEN))), FETCH_TIMEOUT, maxBytes, clock);
    }

    /** Publishes 100 bytes named by {@code seed} and returns their digest. */
    private String artifact(String seed) {
        byte[] data = seed.repeat(100).substring(0, 100).getBytes(StandardCharsets.US_ASCII);
        String digest = Digests.sha256Hex(data);
        coordinator.artifacts.put(digest, data);
        return digest;
    }

    private Path file(String digest) {
        return dir.resolve(digest + ".onnx");
    }

    @Test
    void fetchEvictsTheLeastRecentlyUsedNotTheOldestFetched() {
        ArtifactCache cache = cache(250);
        String a = artifact("a");
        String b = artifact("b");
        String c = artifact("c");
        cache.get(a);
        cache.get(b);
        cache.get(a); // a hit: a is now more recent than b

        cache.get(c);

        assertThat(file(a)).exists();
        assertThat(file(b)).doesNotExist();
        assertThat(file(c)).exists();
    }

    @Test
    void hitMarksTheFileAsUsedNow() throws Exception {
        ArtifactCache cache = cache(1000);
        String a = artifact("a");
        cache.get(a);
        Instant before = Files.getLastModifiedTime(file(a)).toInstant();

        cache.get(a);

        assertThat(Files.getLastModifiedTime(file(a)).toInstant()).isAfter(before).isEqualTo(clock.last);
    }

    @Test
    void artifactLargerThanTheLimitIsKeptForItsJobWithAWarningAndEvictedByTheNext() {
        ArtifactCache cache = cache(50);
        String a = artifact("a");
        String b = artifact("b");
        try (LogCapture log = new LogCapture(ArtifactCache.class)) {
            assertThat(cache.get(a)).exists();
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .contains(a.substring(0, 12) + " (100 bytes) is larger than the whole cache limit of 50 bytes");
        }

        assertThat(cache.get(b)).exists();
        assertThat(file(a)).doesNotExist();
    }

    @Test
    void withinTheLimitNothingIsEvicted() {
        ArtifactCache cache = cache(300);
        String a = artifact("a");
        String b = artifact("b");
        String c = artifact("c");
        cache.get(a);
        cache.get(b);
        cache.get(c);
        assertThat(file(a)).exists();
        assertThat(file(b)).exists();
        assertThat(file(c)).exists();
    }

    @Test
    void abandonedPartialDownloadsAreDeletedButNotFreshOnesOrOtherFiles() throws Exception {
        Path stale = Files.writeString(dir.resolve("0123456789ab-1.part"), "x".repeat(500));
        Files.setLastModifiedTime(stale, FileTime.from(clock.instant().minus(FETCH_TIMEOUT.multipliedBy(2))));
        Path fresh = Files.writeString(dir.resolve("0123456789ab-2.part"), "x");
        Files.setLastModifiedTime(fresh, FileTime.from(clock.instant()));
        Path notOurs = Files.writeString(dir.resolve("README"), "x".repeat(500));

        cache(150).get(artifact("a"));

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(notOurs).exists();
    }

    /** Moves one second forward on every read, so each use is strictly later than the one before. */
    private static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2024-05-01T12:00:00Z");
        Instant last = now;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized Instant instant() {
            now = now.plusSeconds(1);
            last = now;
            return now;
        }
    }

    private static dev.edgeperf.proto.ExternalDataFile external(String name, String digest) {
        return dev.edgeperf.proto.ExternalDataFile.newBuilder().setName(name).setDigest(digest).setSizeBytes(100)
                .build();
    }

    @Test
    void aModelWithExternalDataGetsAFolderWithEachFileBesideItUnderItsName() throws Exception {
        ArtifactCache cache = cache(10_000);
        String model = artifact("m");
        String weights = artifact("w");
        String more = artifact("x");

        Path path = cache.model(model, java.util.List.of(external("weights.bin", weights),
                external("sub/more.bin", more)));

        assertThat(path.getFileName().toString()).isEqualTo("model.onnx");
        assertThat(path).hasSameBinaryContentAs(file(model));
        assertThat(path.resolveSibling("weights.bin")).hasSameBinaryContentAs(file(weights));
        assertThat(path.resolveSibling("sub/more.bin")).hasSameBinaryContentAs(file(more));
        // cached once by digest like any artifact; the folder only links them
        assertThat(file(weights)).exists();
        assertThat(cache.model(model, java.util.List.of(external("weights.bin", weights)))).isEqualTo(path);
        assertThat(path.resolveSibling("sub")).doesNotExist();
    }

    @Test
    void externalDataNamesThatLeaveTheModelFolderAreRefused() {
        ArtifactCache cache = cache(10_000);
        String model = artifact("m");
        String weights = artifact("w");
        for (String bad : new String[] {"../w.bin", "/tmp/w.bin", "model.onnx", "a/../../w.bin"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.model(model,
                    java.util.List.of(external(bad, weights))), bad)
                    .isInstanceOf(dev.edgeperf.core.EdgeperfException.class);
        }
        assertThat(dir.resolve("w.bin")).doesNotExist();
    }

    @Test
    void theFilesOfTheCurrentJobAreNeverEvictedWhileItsExternalDataIsFetched() {
        ArtifactCache cache = cache(150); // room for one 100-byte file
        String model = artifact("m");
        String weights = artifact("w");

        Path path = cache.model(model, java.util.List.of(external("weights.bin", weights)));

        assertThat(path).exists();
        assertThat(path.resolveSibling("weights.bin")).exists();
        assertThat(file(model)).exists();
        assertThat(file(weights)).exists();
    }
}
