package dev.kiln.corpus.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Every setting of the pipeline, as plain records with datatrove's FineWeb defaults
 * ({@link #defaults()}). The service maps its {@code @ConfigMapping} onto this; {@link Pipelines#build}
 * turns it into a {@link Pipeline}. Paths that are null mean "the list shipped in the jar" / "no persistence".
 */
public record PipelineConfig(
        List<String> steps,
        UrlFilter urlFilter,
        Extraction extraction,
        Language language,
        GopherRepetition gopherRepetition,
        GopherQuality gopherQuality,
        C4 c4,
        FineWebQuality fineWebQuality,
        Dedup dedup,
        Pii pii) {

    /** FineWeb's order: URL filter, extraction, language, Gopher ×2, C4, FineWeb, dedup, PII. */
    public static final List<String> DEFAULT_STEPS = List.of(
            Pipelines.URL_FILTER,
            Pipelines.HTML_EXTRACT,
            Pipelines.LANGUAGE,
            Pipelines.GOPHER_REPETITION,
            Pipelines.GOPHER_QUALITY,
            Pipelines.C4_QUALITY,
            Pipelines.FINEWEB_QUALITY,
            Pipelines.EXACT_DEDUP,
            Pipelines.MINHASH_DEDUP,
            Pipelines.PII);

    public static PipelineConfig defaults() {
        return new PipelineConfig(
                DEFAULT_STEPS,
                UrlFilter.defaults(),
                Extraction.defaults(),
                Language.defaults(),
                GopherRepetition.defaults(),
                GopherQuality.defaults(),
                C4.defaults(),
                FineWebQuality.defaults(),
                Dedup.defaults(),
                Pii.defaults());
    }

    public PipelineConfig withSteps(List<String> s) {
        return new PipelineConfig(
                s, urlFilter, extraction, language, gopherRepetition, gopherQuality, c4, fineWebQuality, dedup, pii);
    }

    public PipelineConfig withDedup(Dedup d) {
        return new PipelineConfig(
                steps, urlFilter, extraction, language, gopherRepetition, gopherQuality, c4, fineWebQuality, d, pii);
    }

    public PipelineConfig withLanguage(Language l) {
        return new PipelineConfig(
                steps, urlFilter, extraction, l, gopherRepetition, gopherQuality, c4, fineWebQuality, dedup, pii);
    }

    public PipelineConfig withUrlFilter(UrlFilter u) {
        return new PipelineConfig(
                steps, u, extraction, language, gopherRepetition, gopherQuality, c4, fineWebQuality, dedup, pii);
    }

    /**
     * URL filter (datatrove URLFilter). Each path points to a UTF-8 file, one entry a line, '#' comments;
     * null = the default list in {@code kiln/corpus/url-filter/}. {@code ut1Directory}: the root of a
     * downloaded UT1 block list copy (null = none), of which {@code ut1Categories} are applied.
     */
    public record UrlFilter(
            Path blockedDomainsFile,
            Path blockedUrlsFile,
            Path bannedWordsFile,
            Path bannedSubwordsFile,
            Path softBannedWordsFile,
            int softWordThreshold,
            Path ut1Directory,
            List<String> ut1Categories) {
        /** FineWeb's UT1 selection: the adult category. */
        public static final List<String> FINEWEB_UT1_CATEGORIES = List.of("adult");

        public UrlFilter(
                Path blockedDomainsFile,
                Path blockedUrlsFile,
                Path bannedWordsFile,
                Path bannedSubwordsFile,
                Path softBannedWordsFile,
                int softWordThreshold) {
            this(
                    blockedDomainsFile,
                    blockedUrlsFile,
                    bannedWordsFile,
                    bannedSubwordsFile,
                    softBannedWordsFile,
                    softWordThreshold,
                    null,
                    FINEWEB_UT1_CATEGORIES);
        }

        public static UrlFilter defaults() {
            return new UrlFilter(null, null, null, null, null, 2);
        }

        public UrlFilter withUt1(Path directory, List<String> categories) {
            return new UrlFilter(
                    blockedDomainsFile,
                    blockedUrlsFile,
                    bannedWordsFile,
                    bannedSubwordsFile,
                    softBannedWordsFile,
                    softWordThreshold,
                    directory,
                    List.copyOf(categories));
        }
    }

    /** HTML → text. Limits turn pathological inputs into counted drops instead of slow or huge work. */
    public record Extraction(long maxRawBytes, int maxTextChars, double maxLinkDensity, String fallbackCharset) {
        public static Extraction defaults() {
            return new Extraction(10L << 20, 1_000_000, 0.5, "windows-1252");
        }
    }

    /** Language ID: FineWeb keeps English with score > 0.65. */
    public record Language(Set<String> languages, double threshold, int maxChars) {
        public static Language defaults() {
            return new Language(Set.of("en"), 0.65, 10_000);
        }
    }

    /** datatrove GopherRepetitionFilter defaults: {n, max fraction} pairs. */
    public record GopherRepetition(
            double dupLineFrac,
            double dupParaFrac,
            double dupLineCharFrac,
            double dupParaCharFrac,
            double[][] topNGrams,
            double[][] dupNGrams) {
        public static GopherRepetition defaults() {
            return new GopherRepetition(
                    0.3, 0.3, 0.2, 0.2, new double[][] {{2, 0.2}, {3, 0.18}, {4, 0.16}}, new double[][] {
                        {5, 0.15}, {6, 0.14}, {7, 0.13}, {8, 0.12}, {9, 0.11}, {10, 0.10}
                    });
        }
    }

    /** datatrove GopherQualityFilter defaults. A value ≤ 0 disables a rule (datatrove: None). */
    public record GopherQuality(
            int minDocWords,
            int maxDocWords,
            double minAvgWordLength,
            double maxAvgWordLength,
            double maxSymbolWordRatio,
            double maxBulletLinesRatio,
            double maxEllipsisLinesRatio,
            double maxNonAlphaWordsRatio,
            int minStopWords,
            Set<String> stopWords) {
        public static GopherQuality defaults() {
            return new GopherQuality(
                    50,
                    100_000,
                    3,
                    10,
                    0.1,
                    0.9,
                    0.3,
                    0.8,
                    2,
                    Set.of("the", "be", "to", "of", "and", "that", "have", "with"));
        }
    }

    /**
     * datatrove C4QualityFilter; FineWeb ran it with {@code filter_no_terminal_punct=False}.
     * Negative minNumSentences / maxWordLength disable those rules.
     */
    public record C4(
            boolean splitParagraph,
            boolean removeCitations,
            boolean filterNoTerminalPunct,
            int minNumSentences,
            int minWordsPerLine,
            int maxWordLength,
            boolean filterLoremIpsum,
            boolean filterJavascript,
            boolean filterCurlyBracket,
            boolean filterPolicy) {
        public static C4 defaults() {
            return new C4(true, true, false, 5, 3, 1000, true, true, true, true);
        }
    }

    /** datatrove FineWebQualityFilter defaults (stop chars of the version that produced FineWeb). */
    public record FineWebQuality(
            double linePunctThr,
            boolean linePunctExcludeZero,
            List<String> stopChars,
            double shortLineThr,
            int shortLineLength,
            double charDuplicatesRatio,
            double newLineRatio) {
        public static FineWebQuality defaults() {
            return new FineWebQuality(0.12, false, List.of(".", "'", "\"", "!", "?"), 0.67, 30, 0.01, 0.3);
        }
    }

    /**
     * Dedup. {@code directory} null = in-memory only (lost at restart); otherwise the seen-sets are
     * append-only logs there, loaded at start. MinHash as FineWeb: 5-gram word shingles, 14 bands × 8 hashes.
     */
    public record Dedup(Path directory, int ngram, int bands, int rowsPerBand, long seed) {
        public static Dedup defaults() {
            return new Dedup(null, 5, 14, 8, 1);
        }

        public Dedup withDirectory(Path d) {
            return new Dedup(d, ngram, bands, rowsPerBand, seed);
        }
    }

    /** PII: datatrove PIIFormatter defaults (replacements used in rotation). */
    public record Pii(
            boolean removeEmails,
            boolean removeIps,
            boolean onlyPublicIps,
            List<String> emailReplacements,
            List<String> ipReplacements) {
        public static Pii defaults() {
            return new Pii(
                    true,
                    true,
                    true,
                    List.of("email@example.com", "firstname.lastname@example.org"),
                    List.of(
                            "22.214.171.124",
                            "126.96.36.199",
                            "188.8.131.52",
                            "184.108.40.206",
                            "220.127.116.11",
                            "18.104.22.168"));
        }
    }
}
