package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import dev.kiln.testing.Europarl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineTest {
    static final String ARTICLE_HTML =
            "<html><head><title>t</title></head><body><nav><a href=/>Home</a><a href=/a>About</a></nav><main>"
                    + "<p>" + QualityFiltersTest.GOOD.replace("\n", "</p><p>") + "</p>"
                    + "<p>Contact the clerk at clerk@town.example.com for copies of the minutes.</p></main>"
                    + "<footer>Copyright 2024</footer></body></html>";

    @Test
    void defaultPipelineKeepsAGoodPageAndCountsEveryStep() {
        try (Pipeline p = Pipelines.build(PipelineConfig.defaults())) {
            assertThat(p.steps())
                    .extracting(PipelineStep::name)
                    .containsExactlyElementsOf(PipelineConfig.DEFAULT_STEPS);
            PipelineDocument d = PipelineDocument.ofBytes(
                    "1", "https://town.example.com/news/1", ARTICLE_HTML.getBytes(StandardCharsets.UTF_8), "text/html");
            Pipeline.Result r = p.process(d);
            assertThat(r.kept())
                    .as("dropped by %s: %s %s", r.droppedBy(), r.reason(), r.details())
                    .isTrue();
            assertThat(r.text())
                    .startsWith("The committee met")
                    .doesNotContain("Home")
                    .contains("email@example.com");
            assertThat(d.language()).isEqualTo("en");
            assertThat(d.languageScore()).isGreaterThan(0.65).isLessThanOrEqualTo(1.0);
            // the same page again: exact duplicate
            Pipeline.Result again = p.process(PipelineDocument.ofBytes(
                    "2", "https://mirror.example.net/1", ARTICLE_HTML.getBytes(StandardCharsets.UTF_8), "text/html"));
            assertThat(again.droppedBy()).isEqualTo("exact_dedup");
            assertThat(again.reason()).isEqualTo("exact_duplicate");
            PipelineStats s = p.stats();
            assertThat(s.documentsIn()).isEqualTo(2);
            assertThat(s.documentsKept()).isEqualTo(1);
            StepStats.Snapshot exact = s.snapshot().get(PipelineConfig.DEFAULT_STEPS.indexOf("exact_dedup"));
            assertThat(exact.in()).isEqualTo(2);
            assertThat(exact.kept()).isEqualTo(1);
            assertThat(exact.droppedByReason()).isEqualTo(Map.of("exact_duplicate", 1L));
            assertThat(s.snapshot()
                            .get(PipelineConfig.DEFAULT_STEPS.indexOf("pii"))
                            .in())
                    .isEqualTo(1);
            System.out.print(s.format());
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void inspectShowsEveryStepAndChangesNothing() {
        Pipeline p = Pipelines.build(PipelineConfig.defaults());
        PipelineDocument d = PipelineDocument.ofBytes(
                "1", "https://town.example.com/news/1", ARTICLE_HTML.getBytes(StandardCharsets.UTF_8), "text/html");
        Pipeline.Inspection i1 = p.inspect(d);
        Pipeline.Inspection i2 = p.inspect(d);
        assertThat(i1.kept()).isTrue();
        assertThat(i2.kept()).as("dedup state untouched by inspect").isTrue();
        assertThat(i1.steps()).hasSize(PipelineConfig.DEFAULT_STEPS.size());
        assertThat(i1.steps().get(1).step()).isEqualTo("html_extract");
        assertThat(i1.steps().get(1).textAfter())
                .startsWith("The committee met")
                .contains("clerk@town.example.com");
        assertThat(i1.finalText()).contains("email@example.com");
        assertThat(i1.language()).isEqualTo("en");
        assertThat(d.text()).as("the caller's document is not modified").isNull();
        assertThat(p.stats().documentsIn()).isZero();
        assertThat(p.stats().steps().get(0).in()).isZero();
        // after a real run, inspect reports the duplicate and the step that would drop it
        p.process(d);
        Pipeline.Inspection i3 = p.inspect(PipelineDocument.ofBytes(
                "1b", "https://a.example/", ARTICLE_HTML.getBytes(StandardCharsets.UTF_8), "text/html"));
        assertThat(i3.kept()).isFalse();
        assertThat(i3.droppedBy()).isEqualTo("exact_dedup");
        assertThat(i3.steps()).hasSize(PipelineConfig.DEFAULT_STEPS.indexOf("exact_dedup") + 1);
        // dry run on MinHash alone
        MinHashDeduplicator m =
                (MinHashDeduplicator) p.steps().get(PipelineConfig.DEFAULT_STEPS.indexOf("minhash_dedup"));
        assertThat(m.documents()).isEqualTo(1);
    }

    @Test
    void aFailingStepIsACountedDropNotACrash() {
        PipelineStep boom = new PipelineStep() {
            @Override
            public String name() {
                return "boom";
            }

            @Override
            public StepResult apply(PipelineDocument doc) {
                throw new IllegalStateException("kaput");
            }
        };
        Pipeline p = new Pipeline(List.of(boom));
        Pipeline.Result r = p.process(PipelineDocument.ofText("x", null, "t"));
        assertThat(r.kept()).isFalse();
        assertThat(r.reason()).isEqualTo("error:IllegalStateException");
        assertThat(p.stats().steps().get(0).droppedByReason()).containsEntry("error:IllegalStateException", 1L);
    }

    @Test
    void stepsAreConfigurableAndUnknownNamesRejected() {
        Pipeline p = Pipelines.build(PipelineConfig.defaults().withSteps(List.of("pii", "gopher_quality")));
        assertThat(p.steps()).extracting(PipelineStep::name).containsExactly("pii", "gopher_quality");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Pipelines.build(PipelineConfig.defaults().withSteps(List.of("nope"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void concurrentProcessingCountsConsistently() throws Exception {
        Pipeline p = Pipelines.build(
                PipelineConfig.defaults().withSteps(List.of("language", "gopher_quality", "exact_dedup")));
        List<String> docs = Europarl.bodies().subList(0, 400);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                for (String s : docs) p.process(PipelineDocument.ofText("x", null, s));
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join();
        StepStats.Snapshot exact = p.stats().snapshot().get(2);
        assertThat(p.stats().documentsIn()).isEqualTo(800);
        // each distinct text that reaches exact dedup is kept exactly once
        assertThat(exact.droppedByReason().getOrDefault("exact_duplicate", 0L)).isEqualTo(exact.in() - exact.kept());
        assertThat(exact.kept() * 2).isEqualTo(exact.in());
    }
}
