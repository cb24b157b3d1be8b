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
 * FineWeb's URL filter (datatrove URLFilter): blocked registered domain ({@code domain}) or full host
 * ({@code subdomain}), blocked URL ({@code url}), a banned word among the URL's alphanumeric words
 * ({@code hard_blacklisted}), at least {@code softWordThreshold} soft-banned words ({@code soft_blacklisted}),
 * a banned sub-word anywhere in the URL with non-alphanumerics removed ({@code blacklisted_subword}).
 * Documents without a URL are kept (details say so). Lists: one entry a line, '#' starts a comment.
 */
public final class UrlFilter implements PipelineStep {
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final Set<String> SECOND_LEVEL =
            Set.of("co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "mil", "nic");
    static final String DEFAULTS = "/kiln/corpus/url-filter/";

    private final Set<String> domains;
    private final Set<String> urls;
    private final Set<String> bannedWords;
    private final List<String> bannedSubwords;
    private final Set<String> softBannedWords;
    private final int softThreshold;

    public UrlFilter(PipelineConfig.UrlFilter cfg) {
        this.domains = load(cfg.blockedDomainsFile(), "domains.txt", false);
        this.urls = load(cfg.blockedUrlsFile(), "urls.txt", false);
        this.bannedWords = load(cfg.bannedWordsFile(), "banned_words.txt", true);
        this.bannedSubwords = List.copyOf(load(cfg.bannedSubwordsFile(), "banned_subwords.txt", true));
        this.softBannedWords = load(cfg.softBannedWordsFile(), "soft_banned_words.txt", true);
        this.softThreshold = cfg.softWordThreshold();
    }

    @Override
    public String name() {
        return "url_filter";
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String url = doc.url();
        if (url == null || url.isBlank()) return StepResult.keep(Map.of("url", "missing"));
        String lower = url.trim().toLowerCase(Locale.ROOT);
        String host = host(lower);
        if (host != null) {
            String registered = registeredDomain(host);
            if (domains.contains(registered)) return StepResult.drop("domain", Map.of("domain", registered));
            if (domains.contains(host)) return StepResult.drop("subdomain", Map.of("domain", host));
        }
        String noScheme = lower.replaceFirst("^[a-z][a-z0-9+.-]*://", "");
        if (urls.contains(lower) || urls.contains(noScheme) || urls.contains(noScheme.replaceFirst("^www\\.", "")))
            return StepResult.drop("url");
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

    static String host(String url) {
        int s = url.indexOf("://");
        int start = s >= 0 ? s + 3 : 0;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) end++;
        String auth = url.substring(start, end);
        int at = auth.lastIndexOf('@');
        if (at >= 0) auth = auth.substring(at + 1);
        int colon = auth.lastIndexOf(':');
        if (colon >= 0 && !auth.startsWith("[")) auth = auth.substring(0, colon);
        while (auth.endsWith(".")) auth = auth.substring(0, auth.length() - 1);
        return auth.isEmpty() ? null : auth;
    }

    /** Registered domain without a public-suffix list: last two labels, three under e.g. "co.uk". */
    static String registeredDomain(String host) {
        String[] l = host.split("\\.");
        if (l.length <= 2) return host;
        int take = (l[l.length - 1].length() == 2 && SECOND_LEVEL.contains(l[l.length - 2])) ? 3 : 2;
        return String.join(".", java.util.Arrays.copyOfRange(l, l.length - take, l.length));
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
