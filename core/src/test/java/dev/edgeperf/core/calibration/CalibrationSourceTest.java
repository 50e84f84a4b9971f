package dev.edgeperf.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CalibrationSourceTest {
    @Test
    void everyFormParsesAndFoldersResolveAgainstTheBase() {
        Path base = Path.of("/specs/x");
        assertThat(CalibrationSource.parse(null, null, base).kind()).isEqualTo(CalibrationSource.Kind.RANDOM);
        CalibrationSource r = CalibrationSource.parse("random:7", null, base);
        assertThat(r.seed()).isEqualTo(7);
        assertThat(CalibrationSource.parse("random", null, base).seed()).isEqualTo(CalibrationSource.DEFAULT_SEED);
        assertThat(CalibrationSource.parse("fashion-mnist", null, base).dataset()).isEqualTo("fashion-mnist");
        CalibrationSource images = CalibrationSource.parse("images:photos", "resize=224x224", base);
        assertThat(images.kind()).isEqualTo(CalibrationSource.Kind.IMAGES);
        assertThat(images.folder()).isEqualTo(Path.of("/specs/x/photos"));
        assertThat(images.text()).isEqualTo("images:photos");
        assertThat(images.preprocess().height()).isEqualTo(224);
        assertThat(CalibrationSource.parse("tensors:/data/t", null, base).folder()).isEqualTo(Path.of("/data/t"));
        assertThat(CalibrationSource.parse("idx:d", null, base).kind()).isEqualTo(CalibrationSource.Kind.IDX);
        assertThat(CalibrationSource.parse("some/dir", null, null).kind()).isEqualTo(CalibrationSource.Kind.IDX);
    }

    @Test
    void badFormsAreOneLineUserErrors() {
        assertThatThrownBy(() -> CalibrationSource.parse("random:x", null, null)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("random:SEED");
        assertThatThrownBy(() -> CalibrationSource.parse("photos:dir", null, null))
                .hasMessageContaining("'photos:dir' is not a known source").hasMessageContaining("images:DIR");
        assertThatThrownBy(() -> CalibrationSource.parse("images:", null, null)).hasMessageContaining("names no folder");
        assertThatThrownBy(() -> CalibrationSource.parse("mnist", "resize=2x2", null))
                .hasMessageContaining("--preprocess applies to --calibration images:DIR only");
    }

    @Test
    void preprocessParsesAndReadsBackFromItsText() {
        Preprocess p = Preprocess.parse("resize=224x200,layout=nhwc,channels=bgr,mean=0.485/0.456/0.406,"
                + "std=0.229/0.224/0.225");
        assertThat(p.height()).isEqualTo(224);
        assertThat(p.width()).isEqualTo(200);
        assertThat(p.layout()).isEqualTo(Preprocess.Layout.NHWC);
        assertThat(p.channels()).isEqualTo(Preprocess.Channels.BGR);
        assertThat(p.mean(1)).isEqualTo(0.456);
        assertThat(p.scale()).isEqualTo(1.0 / 255);
        assertThat(Preprocess.parse(p.text())).isEqualTo(p);
        assertThat(Preprocess.parse("scale=1/127.5").scale()).isEqualTo(1 / 127.5);
        assertThat(Preprocess.defaults().text()).isEmpty();
    }

    @Test
    void badPreprocessingNamesTheKeyAndWhatIsExpected() {
        assertThatThrownBy(() -> Preprocess.parse("resize=224")).hasMessage("--preprocess 'resize=224' is not valid;"
                + " expected resize=HxW, e.g. resize=224x224");
        assertThatThrownBy(() -> Preprocess.parse("layout=chw")).hasMessageContaining("layout=nchw or layout=nhwc");
        assertThatThrownBy(() -> Preprocess.parse("mean=1/2")).hasMessageContaining("one value or three");
        assertThatThrownBy(() -> Preprocess.parse("gamma=2")).hasMessageContaining("a key among resize");
        assertThatThrownBy(() -> Preprocess.parse("std=0")).hasMessageContaining("std values must be positive");
    }
}
