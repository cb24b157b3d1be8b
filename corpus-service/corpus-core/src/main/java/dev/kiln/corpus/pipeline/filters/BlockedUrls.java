package dev.kiln.corpus.pipeline.filters;

/**
 * URL block list entries and lookups, in squidGuard's form that UT1 {@code urls} files are written in:
 * {@code host/path} without scheme, userinfo, port, fragment or a leading {@code www.}, matching the
 * URL itself and every URL below it ({@code example.com/forum} blocks {@code example.com/forum/x}).
 */
final class BlockedUrls {
    private BlockedUrls() {}

    /** A list entry as {@code host/path?query}, lower case, no trailing '/'; null when it has no host. */
    static String normalise(String entry) {
        String lower = entry.strip().toLowerCase(java.util.Locale.ROOT);
        String host = UrlHosts.host(lower);
        if (host == null) return null;
        String n = stripWww(host) + pathOf(lower);
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    /** The category of the first listed entry covering the URL (most specific first), or null. */
    static String match(BlockList urls, String host, String lowerUrl) {
        if (urls.size() == 0) return null;
        String path = pathOf(lowerUrl);
        String base = stripWww(host);
        String full = base + path;
        String category = urls.categoryOf(full);
        if (category != null) return category;
        int query = full.indexOf('?');
        String noQuery = query >= 0 ? full.substring(0, query) : full;
        // the URL without query, then each parent path ("a/b/c" → "a/b/" and "a/b" → "a/" and "a")
        for (int end = noQuery.length(); end > base.length(); end = noQuery.lastIndexOf('/', end - 1)) {
            String prefix = noQuery.substring(0, end);
            if (end < full.length() && (category = urls.categoryOf(prefix)) != null) return category;
            if (prefix.endsWith("/") && (category = urls.categoryOf(prefix.substring(0, end - 1))) != null)
                return category;
        }
        return null;
    }

    private static String stripWww(String host) {
        return host.startsWith("www.") ? host.substring(4) : host;
    }

    /** The path and query of a URL (from the first '/' or '?' after the authority), fragment removed. */
    private static String pathOf(String url) {
        int s = url.indexOf("://");
        int start = s >= 0 ? s + 3 : url.startsWith("//") ? 2 : 0;
        int end = start;
        while (end < url.length() && "/?#\\".indexOf(url.charAt(end)) < 0) end++;
        int hash = url.indexOf('#', end);
        String path = url.substring(end, hash >= 0 ? hash : url.length());
        return path.equals("/") ? "" : path;
    }
}
