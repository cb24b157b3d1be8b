package dev.kiln.corpus.pipeline.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Entities;

/**
 * Main-text extraction from HTML in one streaming pass, without building a DOM.
 *
 * <p>A tolerant tokenizer walks the markup keeping a stack of open elements (with HTML's implied end
 * tags for p / li / dt / dd / tr / td / option). Text is gathered into blocks (paragraphs, headings,
 * list items, table rows with cells joined by " | ", pre lines). Subtrees that are boilerplate by
 * construction are skipped: script/style/template/svg/iframe/forms controls, {@code nav},
 * {@code aside}, page-level {@code header}/{@code footer}, ARIA roles navigation / banner / contentinfo /
 * complementary / search / menu / dialog, hidden elements, and elements whose class or id names a
 * menu, sidebar, breadcrumb, cookie/consent banner, share bar, advert, related-links or comment-form box.
 * Each block remembers whether it lies inside {@code main} / role=main / {@code article}.
 *
 * <p>Then: if the page marks its main content, only blocks inside it are candidates (the largest
 * {@code article} when articles are many and one dominates); blocks whose link density exceeds the
 * limit are navigation; short blocks of known boilerplate phrases (copyright, "all rights reserved",
 * "sign in", "share this", cookie notices) go; headings are kept only when content follows them.
 */
public final class HtmlMainText {
    private HtmlMainText() {}

    private static final Set<String> VOID = Set.of(
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
            "wbr", "keygen", "frame");
    private static final Set<String> RAW = Set.of(
            "script",
            "style",
            "textarea",
            "title",
            "noscript",
            "xmp",
            "iframe",
            "template",
            "noembed",
            "noframes",
            "plaintext");
    private static final Set<String> SKIP = Set.of(
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "math",
            "iframe",
            "object",
            "embed",
            "canvas",
            "select",
            "option",
            "button",
            "input",
            "textarea",
            "label",
            "nav",
            "aside",
            "menu",
            "dialog",
            "head",
            "map",
            "audio",
            "video",
            "picture",
            "noembed",
            "noframes",
            "datalist");
    private static final Set<String> BLOCK = Set.of(
            "p",
            "div",
            "section",
            "article",
            "main",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "table",
            "tr",
            "td",
            "th",
            "thead",
            "tbody",
            "tfoot",
            "pre",
            "blockquote",
            "figure",
            "figcaption",
            "hr",
            "br",
            "address",
            "details",
            "summary",
            "caption",
            "header",
            "footer",
            "body",
            "html",
            "form",
            "fieldset",
            "legend",
            "center",
            "hgroup",
            "output",
            "aside",
            "nav");
    private static final Set<String> SKIP_ROLES = Set.of(
            "navigation",
            "banner",
            "contentinfo",
            "complementary",
            "search",
            "menu",
            "menubar",
            "dialog",
            "alertdialog",
            "toolbar",
            "tablist");
    /** class/id words (split on space, '-', '_' and camelCase) that name a boilerplate box. */
    private static final Set<String> BOILER_WORDS = Set.of(
            "nav",
            "navbar",
            "navigation",
            "subnav",
            "topnav",
            "bottomnav",
            "navlist",
            "menu",
            "menubar",
            "breadcrumb",
            "breadcrumbs",
            "sidebar",
            "sidenav",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "share",
            "sharing",
            "social",
            "advert",
            "advertisement",
            "ad",
            "ads",
            "adsbox",
            "sponsor",
            "sponsored",
            "promo",
            "promotion",
            "related",
            "recommended",
            "subscribe",
            "newsletter",
            "popup",
            "modal",
            "skip",
            "skiplink",
            "pagination",
            "pager",
            "toolbar",
            "masthead",
            "topbar",
            "footer",
            "widget",
            "widgets",
            "banner",
            "tags",
            "tagcloud",
            "login",
            "signup",
            "legalcopy",
            "copyright",
            "disclaimer");
    /** Phrases that mark a short block as boilerplate. */
    private static final String[] BOILER_PHRASES = {
        "copyright",
        "\u00a9",
        "all rights reserved",
        "cookie",
        "sign in",
        "log in",
        "sign up",
        "subscribe",
        "share this",
        "share on",
        "follow us",
        "skip to content",
        "skip to main content",
        "skip navigation",
        "back to top",
        "read more",
        "privacy policy",
        "terms of use",
        "terms of service",
        "powered by",
        "javascript is disabled",
        "enable javascript"
    };

    /** class/id words that always mean boilerplate, whatever the box's size. */
    private static final Set<String> STRONG_WORDS = Set.of(
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "share",
            "sharing",
            "sharedaddy",
            "social",
            "advert",
            "advertisement",
            "ad",
            "ads",
            "adsbox",
            "breadcrumb",
            "breadcrumbs",
            "related",
            "newsletter",
            "subscribe",
            "popup",
            "modal",
            "sponsored",
            "promo",
            "respond",
            "skip");

    static boolean boilerName(String v) {
        return nameHas(v, BOILER_WORDS);
    }

    static boolean nameHas(String v, Set<String> words) {
        if (v == null || v.isEmpty()) return false;
        int n = v.length(), start = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? v.charAt(i) : ' ';
            boolean sep = c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == ':' || c == '.';
            boolean camel = i > start && i < n && Character.isUpperCase(c) && Character.isLowerCase(v.charAt(i - 1));
            if (sep || camel) {
                if (i > start && words.contains(v.substring(start, i).toLowerCase(Locale.ROOT))) return true;
                start = sep ? i + 1 : i;
            }
        }
        return false;
    }

    static boolean hiddenStyle(String style) {
        String l = style.replace(" ", "").toLowerCase(Locale.ROOT);
        return l.contains("display:none") || l.contains("visibility:hidden");
    }

    static boolean boilerText(String text) {
        String l = text.toLowerCase(Locale.ROOT);
        for (String p : BOILER_PHRASES) if (l.contains(p)) return true;
        return false;
    }

    /** One extracted block of text. */
    public record Block(
            String text,
            int linkChars,
            boolean heading,
            boolean listItem,
            boolean inMain,
            int article,
            boolean inPageHeaderOrFooter,
            int box) {
        int length() {
            return text.length();
        }
    }

    /** The result: the main text and all blocks seen (with a keep flag), for inspection. */
    public record Result(String text, String title, List<Block> blocks, boolean[] kept) {}

    private static final class Frame {
        final String tag;
        final boolean skip, link, heading, listItem, main, pre, row, cell, headerFooter;
        final int article;
        boolean code;
        int box = -1; // innermost element whose class/id names boilerplate (decided after the pass), -1 none

        Frame(
                String tag,
                boolean skip,
                boolean link,
                boolean heading,
                boolean listItem,
                boolean main,
                boolean pre,
                boolean row,
                boolean cell,
                boolean headerFooter,
                int article) {
            this.tag = tag;
            this.skip = skip;
            this.link = link;
            this.heading = heading;
            this.listItem = listItem;
            this.main = main;
            this.pre = pre;
            this.row = row;
            this.cell = cell;
            this.headerFooter = headerFooter;
            this.article = article;
        }
    }

    /** Streaming state. */
    private static final class State {
        final List<Frame> stack = new ArrayList<>();
        final List<Block> blocks = new ArrayList<>();
        final StringBuilder buf = new StringBuilder();
        int linkChars;
        boolean pendingSpace;
        int articles;
        int cellsInRow;
        String title;
        final List<Integer> boxParent = new ArrayList<>();

        Frame top() {
            return stack.isEmpty() ? null : stack.get(stack.size() - 1);
        }

        boolean skipping() {
            Frame t = top();
            return t != null && t.skip;
        }

        void flush() {
            if (buf.length() > 0) {
                Frame t = top();
                String s = buf.toString().strip();
                if (!s.isEmpty()) {
                    boolean heading = false, li = false, main = false, hf = false;
                    int art = 0, box = -1;
                    if (t != null) {
                        heading = t.heading;
                        li = t.listItem;
                        main = t.main;
                        art = t.article;
                        hf = t.headerFooter;
                        box = t.box;
                    }
                    blocks.add(new Block(
                            li ? "- " + s : s, Math.min(linkChars, s.length()), heading, li, main, art, hf, box));
                }
                buf.setLength(0);
            }
            linkChars = 0;
            pendingSpace = false;
            cellsInRow = 0;
        }

        boolean inRow() {
            for (int i = stack.size() - 1; i >= 0; i--) {
                Frame f = stack.get(i);
                if (f.row) return true;
                if (f.tag.equals("table")) return false;
            }
            return false;
        }

        void text(String s, boolean inLink, boolean pre) {
            if (pre) {
                int start = 0;
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) == '\n') {
                        appendRaw(s.substring(start, i), inLink);
                        flush();
                        start = i + 1;
                    }
                }
                appendRaw(s.substring(start), inLink);
                return;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\u00A0' || c == '\u200B') {
                    pendingSpace = buf.length() > 0;
                } else {
                    if (pendingSpace) {
                        buf.append(' ');
                        pendingSpace = false;
                    }
                    buf.append(c);
                    if (inLink) linkChars++;
                }
            }
        }

        private void appendRaw(String s, boolean inLink) {
            String t = s.replace('\t', ' ');
            if (t.isBlank()) return;
            buf.append(t);
            if (inLink) linkChars += t.length();
        }
    }

    public static Result extract(String html, double maxLinkDensity) {
        State st = new State();
        int n = html.length();
        int i = 0;
        int textStart = 0;
        while (i < n) {
            char c = html.charAt(i);
            if (c != '<' || i + 1 >= n) {
                i++;
                continue;
            }
            char d = html.charAt(i + 1);
            boolean startTag = isAsciiLetter(d);
            boolean endTag = d == '/' && i + 2 < n && isAsciiLetter(html.charAt(i + 2));
            boolean comment = d == '!' || d == '?';
            if (!startTag && !endTag && !comment) {
                i++;
                continue;
            }
            // text before the tag
            if (i > textStart) emitText(st, html, textStart, i);
            if (comment) {
                int end;
                if (html.startsWith("<!--", i)) {
                    end = html.indexOf("-->", i + 4);
                    i = end < 0 ? n : end + 3;
                } else if (html.startsWith("<![CDATA[", i)) {
                    end = html.indexOf("]]>", i + 9);
                    i = end < 0 ? n : end + 3;
                } else {
                    end = html.indexOf('>', i + 2);
                    i = end < 0 ? n : end + 1;
                }
                textStart = i;
                continue;
            }
            int p = i + (endTag ? 2 : 1);
            int nameStart = p;
            while (p < n && !isTagNameEnd(html.charAt(p))) p++;
            String name = html.substring(nameStart, p).toLowerCase(Locale.ROOT);
            // attributes until '>' (respecting quotes)
            String cls = null, id = null, role = null, style = null;
            boolean hidden = false;
            boolean selfClosing = false;
            while (p < n && html.charAt(p) != '>') {
                char a = html.charAt(p);
                if (a == '/') {
                    selfClosing = true;
                    p++;
                    continue;
                }
                if (Character.isWhitespace(a)) {
                    p++;
                    continue;
                }
                selfClosing = false;
                int an = p;
                while (p < n
                        && html.charAt(p) != '='
                        && html.charAt(p) != '>'
                        && !Character.isWhitespace(html.charAt(p))
                        && !(html.charAt(p) == '/' && p + 1 < n && html.charAt(p + 1) == '>')) p++;
                String attr = html.substring(an, p).toLowerCase(Locale.ROOT);
                while (p < n && Character.isWhitespace(html.charAt(p))) p++;
                String val = null;
                if (p < n && html.charAt(p) == '=') {
                    p++;
                    while (p < n && Character.isWhitespace(html.charAt(p))) p++;
                    if (p < n && (html.charAt(p) == '"' || html.charAt(p) == '\'')) {
                        char q = html.charAt(p);
                        int ve = html.indexOf(q, p + 1);
                        if (ve < 0) ve = n;
                        val = html.substring(p + 1, ve);
                        p = Math.min(n, ve + 1);
                    } else {
                        int vs = p;
                        while (p < n && !Character.isWhitespace(html.charAt(p)) && html.charAt(p) != '>') p++;
                        val = html.substring(vs, p);
                    }
                }
                if (endTag) continue;
                switch (attr) {
                    case "class" -> cls = val;
                    case "id" -> id = val;
                    case "role" -> role = val;
                    case "style" -> style = val;
                    case "hidden" -> hidden = true;
                    case "aria-hidden" -> hidden |= "true".equalsIgnoreCase(val);
                    default -> {}
                }
            }
            i = Math.min(n, p + 1);
            textStart = i;
            if (endTag) {
                endElement(st, name);
                continue;
            }
            startElement(st, name, cls, id, role, style, hidden);
            if (RAW.contains(name)) {
                int close = indexOfIgnoreCase(html, "</" + name, i);
                int contentEnd = close < 0 ? n : close;
                if (name.equals("title") && st.title == null)
                    st.title = unescape(html.substring(i, contentEnd)).strip();
                else if (name.equals("textarea") && !st.skipping()) {
                    /* form control: skipped */
                }
                int gt = close < 0 ? n : html.indexOf('>', close);
                i = gt < 0 ? n : gt + 1;
                textStart = i;
                popTo(st, name);
                continue;
            }
            if (VOID.contains(name) || selfClosing && !BLOCK.contains(name)) {
                if (name.equals("br") || name.equals("hr")) {
                    if (!st.skipping()) {
                        if (st.top() != null && st.top().pre) st.flush();
                        else if (st.inRow()) st.pendingSpace = true;
                        else st.flush();
                    }
                }
                popTo(st, name);
            }
        }
        if (n > textStart) emitText(st, html, textStart, n);
        st.flush();
        return select(st, maxLinkDensity);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isTagNameEnd(char c) {
        return c == '>' || c == '/' || Character.isWhitespace(c);
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        int n = s.length(), m = needle.length();
        for (int i = from; i + m <= n; i++) {
            if (s.charAt(i) == '<' && s.regionMatches(true, i, needle, 0, m)) {
                int after = i + m;
                if (after >= n || isTagNameEnd(s.charAt(after))) return i;
            }
        }
        return -1;
    }

    /** Decodes character references: numeric ones, and named ones through jsoup's entity table. */
    static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        int last = 0, n = s.length();
        for (int i = amp; i >= 0 && i < n; i = s.indexOf('&', i + 1)) {
            int j = i + 1;
            String rep = null;
            if (j < n && s.charAt(j) == '#') {
                j++;
                boolean hex = j < n && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
                if (hex) j++;
                int st = j;
                while (j < n
                        && j - st < 8
                        && (hex ? Character.digit(s.charAt(j), 16) >= 0 : Character.isDigit(s.charAt(j)))) j++;
                if (j > st) {
                    int cp;
                    try {
                        cp = Integer.parseInt(s.substring(st, j), hex ? 16 : 10);
                    } catch (NumberFormatException e) {
                        cp = 0xFFFD;
                    }
                    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
                    if (cp >= 0x80 && cp <= 0x9F)
                        cp = new String(new byte[] {(byte) cp}, java.nio.charset.Charset.forName("windows-1252"))
                                .codePointAt(0);
                    rep = new String(Character.toChars(cp));
                    if (j < n && s.charAt(j) == ';') j++;
                }
            } else {
                int st = j;
                while (j < n && j - st < 32 && Character.isLetterOrDigit(s.charAt(j))) j++;
                if (j > st) {
                    String name = s.substring(st, j);
                    String v = Entities.getByName(name);
                    if (v != null && !v.isEmpty()) {
                        rep = v;
                        if (j < n && s.charAt(j) == ';') j++;
                    }
                }
            }
            if (rep != null) {
                sb.append(s, last, i).append(rep);
                last = j;
                i = j - 1;
            }
        }
        sb.append(s, last, n);
        return sb.toString();
    }

    private static void emitText(State st, String html, int from, int to) {
        if (st.skipping()) return;
        Frame t = st.top();
        boolean link = false, pre = false;
        if (t != null) {
            link = t.link;
            pre = t.pre;
        }
        String s = html.substring(from, to);
        st.text(unescape(s), link, pre);
    }

    private static void startElement(
            State st, String name, String cls, String id, String role, String style, boolean hidden) {
        Frame parent = st.top();
        // implied end tags
        switch (name) {
            case "p",
                    "div",
                    "ul",
                    "ol",
                    "dl",
                    "table",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "pre",
                    "blockquote",
                    "section",
                    "article",
                    "header",
                    "footer",
                    "nav",
                    "aside",
                    "main",
                    "form",
                    "hr",
                    "figure",
                    "address",
                    "details" ->
                closeIfOpen(
                        st,
                        "p",
                        Set.of("div", "td", "th", "li", "section", "article", "main", "body", "blockquote", "dd"));
            case "li" -> closeIfOpen(st, "li", Set.of("ul", "ol", "menu"));
            case "dt", "dd" -> {
                closeIfOpen(st, "dt", Set.of("dl"));
                closeIfOpen(st, "dd", Set.of("dl"));
            }
            case "tr" -> closeIfOpen(st, "tr", Set.of("table", "tbody", "thead", "tfoot"));
            case "td", "th" -> {
                closeIfOpen(st, "td", Set.of("tr", "table"));
                closeIfOpen(st, "th", Set.of("tr", "table"));
            }
            case "option" -> closeIfOpen(st, "option", Set.of("select"));
            default -> {}
        }
        parent = st.top();
        boolean inMainAlready = parent != null && parent.main;
        boolean skip = parent != null && parent.skip;
        if (!skip) {
            if (SKIP.contains(name)) skip = true;
            else if ((name.equals("header") || name.equals("footer"))
                    && !inMainAlready
                    && (parent == null || parent.article == 0)) skip = true;
            else if (hidden) skip = true;
            else if (role != null
                    && SKIP_ROLES.contains(role.toLowerCase(Locale.ROOT).strip())) skip = true;
            else if (style != null && hiddenStyle(style)) skip = true;
            else if (strongBoiler(cls) || strongBoiler(id)) skip = true;
        }
        int box = parent == null ? -1 : parent.box;
        if (!skip
                && !name.equals("body")
                && !name.equals("html")
                && !name.equals("main")
                && !name.equals("article")
                && !"main".equalsIgnoreCase(role)
                && (boilerName(cls) || boilerName(id))) {
            // a weakly named box ("nav", "menu", "footer", …): judged after the pass by its size and links,
            // since content wrappers are sometimes named e.g. "wy-nav-content"
            st.boxParent.add(box);
            box = st.boxParent.size() - 1;
        }
        boolean block = BLOCK.contains(name);
        boolean row = name.equals("tr");
        boolean cell = name.equals("td") || name.equals("th");
        if (!skip) {
            if (cell) {
                if (st.inRow() || (parent != null && parent.row)) {
                    if (st.cellsInRow++ > 0) {
                        st.buf.append(" | ");
                        st.pendingSpace = false;
                    }
                } else st.flush();
            } else if (block && !(st.inRow() && !row)) {
                st.flush();
            } else if (block) {
                st.pendingSpace = st.buf.length() > 0;
            }
        }
        boolean main = inMainAlready || name.equals("main") || "main".equalsIgnoreCase(role);
        int article = parent == null ? 0 : parent.article;
        if (name.equals("article")) article = ++st.articles;
        boolean heading = name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6'
                || (parent != null && parent.heading && !block);
        boolean li = name.equals("li") || name.equals("dt") || name.equals("dd")
                ? name.equals("li")
                : (parent != null && parent.listItem && !block);
        boolean hf = (parent != null && parent.headerFooter) || name.equals("header") || name.equals("footer");
        // a link inside code (an API identifier linking to its docs) is content, not navigation
        boolean code = name.equals("code")
                || name.equals("tt")
                || name.equals("kbd")
                || name.equals("samp")
                || (parent != null && parent.code);
        boolean link = !code && (name.equals("a") || (parent != null && parent.link));
        Frame fr = new Frame(
                name,
                skip,
                link,
                heading,
                li,
                main,
                name.equals("pre") || (parent != null && parent.pre),
                row,
                cell,
                hf,
                article);
        fr.box = box;
        fr.code = code;
        st.stack.add(fr);
        if (st.stack.size() > 2000) st.stack.remove(st.stack.size() - 1); // pathological nesting: stay bounded
    }

    private static boolean strongBoiler(String s) {
        return nameHas(s, STRONG_WORDS);
    }

    private static void closeIfOpen(State st, String tag, Set<String> scopeStops) {
        for (int k = st.stack.size() - 1; k >= 0; k--) {
            String t = st.stack.get(k).tag;
            if (t.equals(tag)) {
                popTo(st, tag);
                return;
            }
            if (scopeStops.contains(t)) return;
        }
    }

    private static void endElement(State st, String name) {
        for (int k = st.stack.size() - 1; k >= 0; k--) {
            if (st.stack.get(k).tag.equals(name)) {
                popTo(st, name);
                return;
            }
        }
        if (name.equals("p") || name.equals("br")) {
            if (!st.skipping()) st.flush();
        }
    }

    /** Pops up to and including the innermost open {@code tag}, flushing blocks as block elements close. */
    private static void popTo(State st, String tag) {
        for (int k = st.stack.size() - 1; k >= 0; k--) {
            Frame f = st.stack.get(k);
            boolean flush = !f.skip && BLOCK.contains(f.tag) && !(f.cell) && !(st.inRow() && !f.row);
            if (flush) st.flush();
            st.stack.remove(k);
            if (f.tag.equals(tag)) return;
        }
    }

    private static Result select(State st, double maxLinkDensity) {
        List<Block> blocks = st.blocks;
        int nb = blocks.size();
        boolean[] keep = new boolean[nb];
        long mainChars = 0, totalChars = 0;
        long[] articleChars = new long[st.articles + 1];
        for (Block b : blocks) {
            int plain = b.length() - b.linkChars();
            totalChars += plain;
            if (b.inMain()) mainChars += plain;
            articleChars[b.article()] += plain;
        }
        // weakly named boxes: boilerplate unless they hold a large share of the page's plain text
        int nbox = st.boxParent.size();
        long[] boxPlain = new long[nbox];
        for (Block b : blocks) {
            int plain = b.length() - b.linkChars();
            for (int x = b.box(); x >= 0; x = st.boxParent.get(x)) boxPlain[x] += plain;
        }
        boolean[] boxIsBoiler = new boolean[nbox];
        for (int x = 0; x < nbox; x++) boxIsBoiler[x] = boxPlain[x] < 0.3 * totalChars;
        // which region is the main content?
        boolean useMain = mainChars > 0 && mainChars >= 0.25 * totalChars;
        int useArticle = 0;
        if (!useMain && st.articles > 0) {
            long sum = 0, best = 0;
            int bestIdx = 0;
            for (int a = 1; a < articleChars.length; a++) {
                sum += articleChars[a];
                if (articleChars[a] > best) {
                    best = articleChars[a];
                    bestIdx = a;
                }
            }
            if (best >= 0.6 * sum && best >= 0.25 * totalChars) useArticle = bestIdx;
        }
        for (int k = 0; k < nb; k++) {
            Block b = blocks.get(k);
            if (useMain && !b.inMain()) continue;
            if (useArticle > 0 && b.article() != useArticle) continue;
            if (!useMain && useArticle == 0 && b.inPageHeaderOrFooter()) continue;
            boolean inBoiler = false;
            for (int x = b.box(); x >= 0 && !inBoiler; x = st.boxParent.get(x)) inBoiler = boxIsBoiler[x];
            if (inBoiler) continue;
            double ld = b.length() == 0 ? 1 : (double) b.linkChars() / b.length();
            if (ld > maxLinkDensity) continue;
            int words = countWords(b.text());
            if (words <= 12 && boilerText(b.text())) continue;
            keep[k] = true;
        }
        // a heading stays only when kept content follows it before the next heading
        for (int k = 0; k < nb; k++) {
            if (!keep[k] || !blocks.get(k).heading()) continue;
            boolean content = false;
            for (int j = k + 1; j < nb; j++) {
                if (blocks.get(j).heading()) continue;
                if (keep[j]) {
                    content = true;
                    break;
                }
            }
            keep[k] = content;
        }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < nb; k++) {
            if (!keep[k]) continue;
            if (out.length() > 0) out.append('\n');
            out.append(blocks.get(k).text());
        }
        return new Result(out.toString(), st.title, blocks, keep);
    }

    private static int countWords(String s) {
        int w = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean ws = Character.isWhitespace(s.charAt(i));
            if (!ws && !in) w++;
            in = !ws;
        }
        return w;
    }
}
