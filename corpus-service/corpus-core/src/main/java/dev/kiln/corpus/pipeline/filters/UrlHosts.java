package dev.kiln.corpus.pipeline.filters;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Host names of crawled URLs as block lists see them: lower case, IDNs in punycode, no userinfo, port
 * or trailing dot; registered domains from the Public Suffix List (Guava's {@link InternetDomainName},
 * private suffixes such as {@code github.io} included, so each user site is its own domain).
 *
 * <p>The authority is cut out by hand rather than with {@link java.net.URI}: crawled URLs are often
 * not RFC 3986 (spaces, raw Unicode, stray '%'), and {@code URI} rejects the whole URL for those.
 */
final class UrlHosts {
    private UrlHosts() {}

    /** The host of a URL (with or without scheme), normalised; null when there is none. */
    static String host(String url) {
        int s = url.indexOf("://");
        int start = s >= 0 ? s + 3 : url.startsWith("//") ? 2 : 0;
        int end = start;
        while (end < url.length() && "/?#\\".indexOf(url.charAt(end)) < 0) end++;
        String auth = url.substring(start, end);
        int at = auth.lastIndexOf('@');
        if (at >= 0) auth = auth.substring(at + 1);
        if (auth.startsWith("[")) {
            int close = auth.indexOf(']');
            auth = close > 0 ? auth.substring(1, close) : auth.substring(1);
        } else {
            int colon = auth.lastIndexOf(':');
            if (colon >= 0) auth = auth.substring(0, colon);
        }
        return normalise(auth);
    }

    /** A host or list entry in the form used for lookups; null when empty. */
    static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        while (h.startsWith(".")) h = h.substring(1);
        if (h.isEmpty()) return null;
        if (!isAscii(h)) {
            try {
                h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException notAnIdn) {
                // kept as written: such a host can still equal a list entry written the same way
            }
        }
        return h;
    }

    /**
     * The registered domain ("eTLD+1") of a normalised host; the host itself for IP addresses, public
     * suffixes and names the list does not cover (e.g. {@code localhost}).
     */
    static String registeredDomain(String host) {
        if (InetAddresses.isInetAddress(host) || !InternetDomainName.isValid(host)) return host;
        InternetDomainName name = InternetDomainName.from(host);
        if (name.isUnderPublicSuffix()) return name.topPrivateDomain().toString();
        return name.isPublicSuffix() ? host : lastTwoLabels(host);
    }

    /**
     * The list's default rule ("*": an unlisted TLD is a public suffix), which Guava does not apply:
     * {@code news.blocked.example} is under {@code blocked.example}.
     */
    private static String lastTwoLabels(String host) {
        int last = host.lastIndexOf('.');
        if (last < 0) return host;
        int before = host.lastIndexOf('.', last - 1);
        return before < 0 ? host : host.substring(before + 1);
    }

    /**
     * The host and each parent domain down to (and including) its registered domain under the ICANN
     * part of the list, most specific first: the names a block list entry may cover, since an entry
     * blocks its subdomains (squidGuard's semantics, which UT1 lists are written for). Stopping at the
     * ICANN registry suffix lets a list block a whole private suffix ({@code blogspot.com}) while
     * never matching {@code co.uk} itself.
     */
    static List<String> candidates(String host) {
        if (InetAddresses.isInetAddress(host) || !InternetDomainName.isValid(host)) return List.of(host);
        InternetDomainName name = InternetDomainName.from(host);
        String floor = name.isUnderRegistrySuffix()
                ? name.topDomainUnderRegistrySuffix().toString()
                : name.isRegistrySuffix() ? host : lastTwoLabels(host);
        List<String> out = new ArrayList<>(4);
        String h = host;
        while (true) {
            out.add(h);
            if (h.length() <= floor.length()) break;
            int dot = h.indexOf('.');
            if (dot < 0) break;
            h = h.substring(dot + 1);
        }
        return out;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
