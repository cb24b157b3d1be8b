package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * FineWeb's URL filter (datatrove URLFilter). In order: a listed domain covering the host
 * ({@code domain} when it is the registered domain or above, {@code subdomain} when it is a listed
 * subdomain), a listed URL ({@code url}), a banned word among the URL's alphanumeric words
 * ({@code hard_blacklisted}), at least {@code softWordThreshold} soft-banned words ({@code soft_blacklisted}),
 * a banned sub-word anywhere in the URL with non-alphanumerics removed ({@code blacklisted_subword}).
 * Entries from a UT1 category name it in the reason: {@code domain:adult}, {@code subdomain:adult},
 * {@code url:adult}. Registered domains come from the Public Suffix List ({@link UrlHosts}). Documents
 * without a URL are kept (details say so). Plain lists: one entry a line, '#' starts a comment.
 */
public final class UrlFilter implements PipelineStep {
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    static final String DEFAULTS = "/kiln/corpus/url-filter/";
    /** The category of the plain lists: their reasons stay datatrove's ({@code domain}, {@code url}). */
    private static final String PLAIN = "";

    private final BlockList domains = new BlockList();
    private final BlockList urls = new BlockList();
    private final Set<String> bannedWords;
    private final List<String> bannedSubwords;
    private final Set<String> softBannedWords;
    private final int softThreshold;

    public UrlFilter(PipelineConfig.UrlFilter cfg) {
        int plainDomains = domains.category(PLAIN);
        for (String d : load(cfg.blockedDomainsFile(), "domains.txt", false)) {
            String h = UrlHosts.normalise(d);
            if (h != null) domains.add(h, plainDomains);
        }
        int plainUrls = urls.category(PLAIN);
        for (String u : load(cfg.blockedUrlsFile(), "urls.txt", false)) {
            String n = BlockedUrls.normalise(u);
            if (n != null) urls.add(n, plainUrls);
        }
        if (cfg.ut1Directory() != null) Ut1Lists.load(cfg.ut1Directory(), cfg.ut1Categories(), domains, urls);
        this.bannedWords = load(cfg.bannedWordsFile(), "banned_words.txt", true);
        this.bannedSubwords = List.copyOf(load(cfg.bannedSubwordsFile(), "banned_subwords.txt", true));
        this.softBannedWords = load(cfg.softBannedWordsFile(), "soft_banned_words.txt", true);
        this.softThreshold = cfg.softWordThreshold();
    }

    @Override
    public String name() {
        return "url_filter";
    }

    /** Domains and URLs loaded from every list, for the startup log. */
    public int blockedEntries() {
        return domains.size() + urls.size();
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String url = doc.url();
        if (url == null || url.isBlank()) return StepResult.keep(Map.of("url", "missing"));
        String lower = url.strip().toLowerCase(Locale.ROOT);
        String host = UrlHosts.host(lower);
        if (host != null) {
            String registered = UrlHosts.registeredDomain(host);
            for (String name : UrlHosts.candidates(host)) {
                String category = domains.categoryOf(name);
                if (category == null) continue;
                String kind = name.length() <= registered.length() ? "domain" : "subdomain";
                return StepResult.drop(reason(kind, category), Map.of("domain", name));
            }
            String category = BlockedUrls.match(urls, host, lower);
            if (category != null) return StepResult.drop(reason("url", category));
        }
        Set<String> words = new HashSet<>(List.of(NON_ALNUM.split(lower)));
        for (String w : bannedWords)
            if (words.contains(w)) return StepResult.drop("hard_blacklisted", Map.of("word", w));
        int soft = 0;
        for (String w : softBannedWords) if (words.contains(w)) soft++;
        if (soft >= softThreshold) return StepResult.drop("soft_blacklisted", Map.of("soft_words", soft));
        String squashed = NON_ALNUM.matcher(lower).replaceAll("");
        for (String w : bannedSubwords)
            if (squashed.contains(w)) return StepResult.drop("blacklisted_subword", Map.of("word", w));
        return StepResult.keep();
    }

    private static String reason(String kind, String category) {
        return category.isEmpty() ? kind : kind + ":" + category;
    }

    private static Set<String> load(Path file, String defaultName, boolean normalize) {
        try (InputStream in = file != null
                ? Files.newInputStream(file)
                : UrlFilter.class.getResourceAsStream(DEFAULTS + defaultName)) {
            if (in == null) throw new IllegalStateException("missing default list " + DEFAULTS + defaultName);
            Set<String> out = new HashSet<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                t = t.toLowerCase(Locale.ROOT);
                if (normalize) t = NON_ALNUM.matcher(t).replaceAll("");
                if (!t.isEmpty()) out.add(t);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read URL filter list " + (file != null ? file : defaultName), e);
        }
    }
}
