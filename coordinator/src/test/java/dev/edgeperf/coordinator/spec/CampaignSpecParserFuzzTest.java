package dev.edgeperf.coordinator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Fuzzes {@link CampaignSpecParser} with generated specs (fields right, wrong, missing and extra, in
 * block and flow style), random mutations of them and raw noise. Every input must either parse into a
 * spec that holds together or fail with a USER_ERROR whose message is one line starting
 * {@code spec.yaml:LINE: } — no other exception, ever. Tries: {@value FuzzTries#DEFAULT_TRIES} per
 * property; {@code -Dedgeperf.fuzz.tries=10000} for a benchmark-mode run (figures printed at the end).
 */
@AddLifecycleHook(value = FuzzTries.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class CampaignSpecParserFuzzTest {
    private static final Pattern ERROR = Pattern.compile("spec\\.yaml:(\\d+): \\S.*");
    private static final AtomicLong PARSED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    private final CampaignSpecParser parser = new CampaignSpecParser("spec.yaml", Path.of("/nonexistent-spec-dir"),
            Set.of("site", "pool"));

    @Property
    void generatedSpecsParseOrFailWithOneLine(@ForAll("specs") String yaml) {
        check(yaml);
    }

    @Property
    void mutatedSpecsParseOrFailWithOneLine(@ForAll("mutatedSpecs") String yaml) {
        check(yaml);
    }

    @Property
    void noiseParsesOrFailsWithOneLine(@ForAll("noise") String yaml) {
        check(yaml);
    }

    @AfterContainer
    static void figures() {
        System.out.printf("CampaignSpecParser fuzz: %d inputs, %d parsed, %d refused with a one-line user error,"
                + " 0 other failures%n", PARSED.get() + REFUSED.get(), PARSED.get(), REFUSED.get());
    }

    private void check(String yaml) {
        CampaignSpec spec;
        try {
            spec = parser.parse(yaml);
        } catch (EdgeperfException e) {
            REFUSED.incrementAndGet();
            assertThat(e.category()).as(e.getMessage()).isEqualTo(ErrorCategory.USER_ERROR);
            assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
            Matcher m = ERROR.matcher(e.getMessage());
            assertThat(m.matches()).as("names spec.yaml:LINE: %s", e.getMessage()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as(e.getMessage()).isBetween(1, (int) yaml.lines().count() + 1);
            return;
        }
        PARSED.incrementAndGet();
        assertThat(spec.models()).isNotEmpty();
        assertThat(spec.models()).allSatisfy(r -> assertThat(ModelZoo.names()).contains(r.zooName()));
        assertThat(spec.variants()).isNotEmpty();
        assertThat(spec.batchSizes()).isNotEmpty().allSatisfy(b -> assertThat(b).isPositive());
        assertThat(spec.threads()).isNotEmpty().allSatisfy(t -> assertThat(t).isNotNegative());
        assertThat(spec.modes()).isNotEmpty();
        assertThat(spec.selectors()).isNotEmpty();
        assertThat(spec.settings().getTargetCiHalfWidth()).isBetween(0.0, 1.0);
        assertThat(spec.toRequest().getModelsCount()).isEqualTo(spec.models().size());
    }

    // ------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> specs() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Combinators.combine(validFields(), Arbitraries.of(true, false))
                        .as(CampaignSpecParserFuzzTest::render)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(fields(), Arbitraries.of(true, false))
                        .as(CampaignSpecParserFuzzTest::render)));
    }

    /** Specs that should parse: required fields right, optional ones right or missing. */
    private static Arbitrary<List<String>> validFields() {
        Arbitrary<String> zoo = Arbitraries.of(ModelZoo.names());
        return Combinators.combine(List.of(
                field("name", Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12)),
                zoo.list().uniqueElements().ofMinSize(1).ofMaxSize(3).map(l -> "models: [" + String.join(", ", l) + "]"),
                field("variants", flowList(Arbitraries.of("baseline", "separable", "\"pruned:structured:0.5\"",
                        "\"quantized:int8-static\"", "\"clustered:16\"").list().uniqueElements()
                        .ofMinSize(1).ofMaxSize(3))),
                Arbitraries.integers().between(1, 512).list().ofMinSize(1).ofMaxSize(4)
                        .map(l -> "batch_sizes: " + l),
                field("threads", flowList(Arbitraries.integers().between(0, 16).map(String::valueOf).list()
                        .ofMinSize(1).ofMaxSize(3))),
                field("modes", flowList(Arbitraries.of("latency", "\"throughput:4\"", "\"throughput:1\"").list()
                        .ofMinSize(1).ofMaxSize(3))),
                field("devices", flowList(Arbitraries.of("all", "board=rpi5", "\"arch=aarch64,isa=neon\"", "site=lab",
                        "{arch: x86_64, isa: avx2}", "{pool: a}").list().ofMinSize(1).ofMaxSize(3))),
                field("measurement", Combinators.combine(Arbitraries.integers().between(0, 100),
                        Arbitraries.integers().between(0, 1000), Arbitraries.of("0", "0.01", "0.0005"),
                        Arbitraries.of("true", "false")).as((w, d, ci, b) -> "{warmup_iterations: " + w
                        + ", min_duration_ms: " + d + ", max_duration_ms: " + (d + 1) + ", target_ci_half_width: " + ci
                        + ", warmup_until_stable: " + b + "}"))))
                .as(parts -> parts.stream().filter(p -> !p.isEmpty()).collect(Collectors.toList()));
    }

    private static Arbitrary<String> flowList(Arbitrary<List<String>> items) {
        return items.map(l -> "[" + String.join(", ", l) + "]");
    }

    @Provide
    Arbitrary<String> mutatedSpecs() {
        return Combinators.combine(specs(), mutations().list().ofMinSize(1).ofMaxSize(6))
                .as((yaml, ms) -> {
                    String s = yaml;
                    for (Mutation m : ms) {
                        s = m.apply(s);
                    }
                    return s;
                });
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(YAML_CHARS).ofMaxLength(200),
                Arbitraries.strings().all().ofMaxLength(100),
                Arbitraries.strings().withChars("[{".toCharArray()).ofMinLength(1).ofMaxLength(3000),
                Arbitraries.strings().withChars("- ".toCharArray()).ofMaxLength(2000));
    }

    private static final char[] YAML_CHARS = ":-[]{},#&*!|>'\"%@`?\\ \n\t\r=0123456789.eEabcdxyz~\u0000\u00e9\ud83d\ude00"
            .toCharArray();

    /** Each field is present or not, and right or wrong. */
    private static Arbitrary<List<String>> fields() {
        return Combinators.combine(List.of(
                field("name", Arbitraries.oneOf(words(), anyScalar(), Arbitraries.just("[a, b]"))),
                field("models", listOf(Arbitraries.oneOf(Arbitraries.of(ModelZoo.names()), words(),
                        Arbitraries.of("./x.onnx", "../../etc/passwd.onnx", "a\u0000b.onnx", "\"\\0.onnx\"",
                                "/proc/self/mem.onnx", "'.onnx'", "C:\\\\m.onnx"), anyScalar()))),
                field("variants", listOf(Arbitraries.oneOf(recipes(), words(), anyScalar()))),
                field("batch_sizes", listOf(numbers())),
                field("threads", listOf(numbers())),
                field("modes", listOf(Arbitraries.oneOf(Arbitraries.of("latency", "throughput:4", "throughput:0",
                        "throughput:-1", "throughput:99999999999", "throughput:", "throughput:1e3", "Latency"),
                        words(), numbers()))),
                field("devices", listOf(Arbitraries.oneOf(Arbitraries.of("all", "board=rpi5", "arch=aarch64,isa=neon",
                        "bord=rpi5", "site=lab", "=x", "board=", ",", "name=a=b", "{arch: x86_64, isa: avx2}",
                        "{pool: [a]}", "{}", "{board: }"), words(), anyScalar()))),
                field("measurement", Arbitraries.oneOf(measurement(), anyScalar(), Arbitraries.just("[1, 2]"))),
                field(Arbitraries.of("extra", "batchsizes", "Models", "models ", "\"\"", "? complex"), anyScalar())))
                .as(parts -> parts.stream().filter(p -> !p.isEmpty()).collect(Collectors.toList()));
    }

    private static Arbitrary<String> field(String name, Arbitrary<String> value) {
        return field(Arbitraries.just(name), value);
    }

    /** "name: value", or nothing (a missing field). */
    private static Arbitrary<String> field(Arbitrary<String> name, Arbitrary<String> value) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Combinators.combine(name, value).as((n, v) -> n + ": " + v)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
    }

    private static Arbitrary<String> listOf(Arbitrary<String> item) {
        return Arbitraries.oneOf(
                item.list().ofMinSize(0).ofMaxSize(4).map(l -> "[" + String.join(", ", l) + "]"),
                item.list().ofMinSize(1).ofMaxSize(4).map(l -> l.stream().map(i -> "\n  - " + i)
                        .collect(Collectors.joining())),
                item);
    }

    private static Arbitrary<String> measurement() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(CampaignSpecParser.MEASUREMENT_FIELDS),
                Arbitraries.of("warmup", "max_duration", "target_ci"));
        Arbitrary<String> value = Arbitraries.oneOf(numbers(), Arbitraries.of("true", "false", "yes", "0.0005",
                "0.5", "1", "1.0", "-0.1", ".nan", ".inf", "1e308", "1e-320", "~"), words());
        return Combinators.combine(key, value).as((k, v) -> k + ": " + v).list().ofMaxSize(5)
                .map(l -> "{" + String.join(", ", l) + "}");
    }

    private static Arbitrary<String> recipes() {
        return Arbitraries.of("baseline", "separable", "pruned:structured:0.5", "pruned:unstructured:0.9",
                "pruned:structured:1.0", "pruned:structured:-0", "pruned:structured:NaN", "pruned:structured:1e-400",
                "pruned:x:0.5", "pruned:", "quantized:int8-static", "quantized:int8-static:percentile:99.9",
                "quantized:int8-static:percentile:", "quantized:fp16", "quantized:int8-dynamic", "quantized",
                "clustered:16", "clustered:0", "clustered:99999999999", "clustered:-3",
                "pruned:structured:0.5+finetune:1", "pruned:structured:0.5+finetune:", "baseline+finetune:2",
                "+", ":", "::", "pruned:structured:0.5+finetune:1+finetune:1");
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-3, 64).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("2147483648", "99999999999999999999999", "-0", "0x10", "0o7", "1_000", "1.5", "1e3",
                        ".inf", "-.inf", ".nan", "\"8\"", "null", "~", "0b101", "+1", "1:30"));
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().withChars("abcxyz-_:/.=, ").ofMinLength(1).ofMaxLength(12);
    }

    /** Scalars, quoted and not, with YAML's odd corners: anchors, aliases, tags, block scalars. */
    private static Arbitrary<String> anyScalar() {
        return Arbitraries.oneOf(words(), numbers(),
                Arbitraries.strings().withChars(YAML_CHARS).ofMaxLength(10).map(s -> "\"" + s.replace("\\", "\\\\")
                        .replace("\"", "\\\"").replace("\n", "\\n") + "\""),
                Arbitraries.of("", "~", "null", "&a x", "*a", "*undefined", "!!binary aGVsbG8=", "!!int x",
                        "!!float 1", "!custom 3", "!!set {a, b}", "!!omap [a: 1]", "|\n  text\n  more", ">-\n  folded",
                        "'it''s'", "\"\\u0000\"", "\"\\ud800\"", "{a: {b: {c: [d]}}}", "[[[[[]]]]]", "? a\n  : b",
                        "<<: *a", "2001-12-14t21:59:43.10-05:00", "!!timestamp 2001-12-14", "- - x"));
    }

    private static String render(List<String> fields, boolean flow) {
        if (flow) {
            // flow style: one mapping; block-only values (lists written as "- x") are kept as they are
            return "{" + fields.stream().map(f -> f.replace("\n  - ", " ")).collect(Collectors.joining(", ")) + "}";
        }
        return String.join("\n", fields) + "\n";
    }

    // ------------------------------------------------------------------------------ mutations

    interface Mutation {
        String apply(String s);
    }

    private static Arbitrary<Mutation> mutations() {
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        Arbitrary<Character> ch = Arbitraries.of(toBoxed(YAML_CHARS));
        return Arbitraries.oneOf(
                Combinators.combine(where, ch).as((w, c) -> s -> {
                    int i = (int) (w * s.length());
                    return s.substring(0, i) + c + s.substring(i);
                }),
                where.map(w -> s -> {
                    if (s.isEmpty()) {
                        return s;
                    }
                    int i = Math.min(s.length() - 1, (int) (w * s.length()));
                    return s.substring(0, i) + s.substring(i + 1);
                }),
                where.map(w -> s -> s.substring(0, (int) (w * s.length()))),
                where.map(w -> s -> {
                    List<String> lines = new ArrayList<>(s.lines().toList());
                    if (lines.isEmpty()) {
                        return s;
                    }
                    int i = Math.min(lines.size() - 1, (int) (w * lines.size()));
                    lines.add(i, lines.get(i)); // a field given twice, or a list item repeated
                    return String.join("\n", lines);
                }),
                where.map(w -> s -> {
                    List<String> lines = new ArrayList<>(s.lines().toList());
                    if (lines.isEmpty()) {
                        return s;
                    }
                    int i = Math.min(lines.size() - 1, (int) (w * lines.size()));
                    lines.set(i, "  " + lines.get(i)); // indentation broken
                    return String.join("\n", lines);
                }),
                Arbitraries.just(s -> s.replace(":", ": &x")),
                Arbitraries.just(s -> s + "\n---\nmodels: [mnist-cnn]\n"),
                Arbitraries.just(s -> "%YAML 1.1\n---\n" + s));
    }

    private static Character[] toBoxed(char[] chars) {
        Character[] boxed = new Character[chars.length];
        for (int i = 0; i < chars.length; i++) {
            boxed[i] = chars[i];
        }
        return boxed;
    }
}
