package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.proto.JobResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolTest {
    @Test
    void writeReadDeleteRoundTrip(@TempDir Path dir) {
        ResultSpool spool = new ResultSpool(dir);
        JobResult r = JobResult.newBuilder().setJobId("j-7").setAttempt(3).setBatchSize(8).build();
        Path f = spool.write(r);
        assertThat(f.getFileName().toString()).isEqualTo("j-7-3.pb");
        assertThat(spool.pending()).containsExactly(r);
        assertThat(spool.delete("j-7", 3)).isTrue();
        assertThat(spool.pending()).isEmpty();
        assertThat(spool.delete("j-7", 3)).isFalse();
    }

    @Test
    void hostileJobIdsNeverLeaveTheSpoolDirectory(@TempDir Path dir) {
        ResultSpool spool = new ResultSpool(dir.resolve("spool"));
        Path f = spool.write(JobResult.newBuilder().setJobId("../../evil").setAttempt(1).build());
        assertThat(f.getParent()).isEqualTo(dir.resolve("spool"));
        assertThat(f.getFileName().toString()).matches("job-[0-9a-f]{16}-1\\.pb");
        assertThat(spool.fileFor(".hidden", 1).getFileName().toString()).startsWith("job-");
    }

    @Test
    void corruptFilesAreSkipped(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("broken-1.pb"), new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        assertThat(new ResultSpool(dir).pending()).isEmpty();
    }
}
