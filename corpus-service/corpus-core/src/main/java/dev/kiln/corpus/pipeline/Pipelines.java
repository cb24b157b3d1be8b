package dev.kiln.corpus.pipeline;

import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.GlobalDedupIndex;
import dev.kiln.corpus.pipeline.dedup.GlobalDedupStep;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import dev.kiln.corpus.pipeline.filters.C4QualityFilter;
import dev.kiln.corpus.pipeline.filters.FineWebQualityFilter;
import dev.kiln.corpus.pipeline.filters.GopherQualityFilter;
import dev.kiln.corpus.pipeline.filters.GopherRepetitionFilter;
import dev.kiln.corpus.pipeline.filters.LanguageFilter;
import dev.kiln.corpus.pipeline.filters.UrlFilter;
import dev.kiln.corpus.pipeline.lang.LanguageIdentifier;
import dev.kiln.corpus.pipeline.lang.NgramLanguageIdentifier;
import dev.kiln.corpus.pipeline.pii.PiiScrubber;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link Pipeline} from a {@link PipelineConfig}: the step names below, in the configured order. */
public final class Pipelines {
    public static final String URL_FILTER = "url_filter";
    public static final String HTML_EXTRACT = "html_extract";
    public static final String LANGUAGE = "language";
    public static final String GOPHER_REPETITION = "gopher_repetition";
    public static final String GOPHER_QUALITY = "gopher_quality";
    public static final String C4_QUALITY = "c4_quality";
    public static final String FINEWEB_QUALITY = "fineweb_quality";
    public static final String EXACT_DEDUP = "exact_dedup";
    public static final String MINHASH_DEDUP = "minhash_dedup";
    public static final String PII = "pii";

    private Pipelines() {}

    public static Pipeline build(PipelineConfig cfg) {
        return build(cfg, null);
    }

    /** @param identifier language identifier to use; null = the shared n-gram identifier */
    public static Pipeline build(PipelineConfig cfg, LanguageIdentifier identifier) {
        return build(cfg, identifier, null);
    }

    /**
     * @param global the dedup index all replicas share; when given, {@link #EXACT_DEDUP} and {@link
     *     #MINHASH_DEDUP} ask it ({@link GlobalDedupStep}) instead of keeping an index in this process
     */
    public static Pipeline build(PipelineConfig cfg, LanguageIdentifier identifier, GlobalDedupIndex global) {
        List<PipelineStep> steps = new ArrayList<>();
        for (String name : cfg.steps()) {
            if (global != null && name.equals(EXACT_DEDUP)) steps.add(GlobalDedupStep.exact(name, global));
            else if (global != null && name.equals(MINHASH_DEDUP))
                steps.add(GlobalDedupStep.minHash(name, cfg.dedup(), global));
            else steps.add(step(name, cfg, identifier));
        }
        return new Pipeline(steps);
    }

    public static PipelineStep step(String name, PipelineConfig cfg, LanguageIdentifier identifier) {
        return switch (name) {
            case URL_FILTER -> new UrlFilter(cfg.urlFilter());
            case HTML_EXTRACT -> new HtmlTextExtractor(cfg.extraction());
            case LANGUAGE ->
                new LanguageFilter(
                        identifier != null
                                ? identifier
                                : cfg.language().maxChars() == 10_000
                                        ? NgramLanguageIdentifier.shared()
                                        : new NgramLanguageIdentifier(
                                                NgramLanguageIdentifier.shared().model(),
                                                cfg.language().maxChars()),
                        cfg.language());
            case GOPHER_REPETITION -> new GopherRepetitionFilter(cfg.gopherRepetition());
            case GOPHER_QUALITY -> new GopherQualityFilter(cfg.gopherQuality());
            case C4_QUALITY -> new C4QualityFilter(cfg.c4());
            case FINEWEB_QUALITY -> new FineWebQualityFilter(cfg.fineWebQuality());
            case EXACT_DEDUP -> new ExactDeduplicator(cfg.dedup().directory());
            case MINHASH_DEDUP -> new MinHashDeduplicator(cfg.dedup());
            case PII -> new PiiScrubber(cfg.pii());
            default ->
                throw new IllegalArgumentException(
                        "unknown pipeline step '" + name + "'; known: " + PipelineConfig.DEFAULT_STEPS);
        };
    }
}
