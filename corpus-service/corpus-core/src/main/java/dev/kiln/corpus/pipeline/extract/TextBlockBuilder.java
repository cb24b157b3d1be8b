package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import dev.kiln.corpus.pipeline.extract.HtmlTokenizer.StartTag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the lexer's tags and text into blocks of text: paragraphs, headings, list items, data-table
 * rows with cells joined by " | " (a layout table's cells make blocks as any element does; {@link
 * TableRows} tells the two apart), pre lines. Keeps a stack of open elements with HTML's implied end tags
 * for p / li / dt / dd / tr / td / option. Subtrees that are boilerplate by construction are skipped:
 * script/style/template/svg/iframe/form controls, {@code nav}, {@code aside}, page-level
 * {@code header}/{@code footer}, ARIA roles navigation / banner / contentinfo / complementary /
 * search / menu / dialog, hidden elements, and elements whose class or id strongly names boilerplate
 * (cookie banner, share bar, advert ...). Each block remembers whether it lies inside {@code main} /
 * role=main / {@code article}, and the innermost weakly named box ("nav", "menu" ...) around it, for
 * the {@link MainTextSelector} to judge. One builder per page.
 *
 * <p>Over 400 lines on purpose: the open-element stack, HTML's implied end tags and the block being
 * built are one state machine that every tag and text run passes through once; the judgements it
 * consults are kept in their own classes ({@link TableRows}, {@link TitleMatch}, {@link
 * BoilerplateNames}).
 */
final class TextBlockBuilder implements HtmlTokenizer.Handler {

    /**
     * A page's blocks, the parent of each weakly named box (-1: none), its article count and title, and
     * where the dropped headline stood: the index of the first block after it (-1: no headline), and
     * whether any element, skipped ones included, declares itemprop=articleBody; what the boxes named for
     * one line that the pass skipped held ({@link LineBoxes#proseChars}).
     */
    record Blocks(
            List<Block> blocks,
            List<Integer> boxParents,
            int articles,
            String title,
            ElementTable elements,
            List<String> jsonLd,
            int headline,
            boolean declaresArticleBody,
            List<StartTag> metaTags,
            long lineBoxChars) {}

    private static final class Frame {
        final String tag;
        final boolean skip, link, heading, listItem, main, pre, headerFooter;
        boolean block; // one of HtmlElements.BLOCK, looked up once
        final int article;
        boolean code;
        boolean lineBox; // inside a box skipped for its name of a line (caption, byline, dateline)
        int element = -1; // innermost non-skipped element, in the ElementTable
        int box = -1; // innermost element whose class/id names boilerplate (decided after the pass), -1 none
        int form = -1; // innermost open form's element, -1 none
        TableRows.Table table; // a table's layout-or-data signals
        TableRows.Row rowState; // a row's blocks so far
        // Found from the parent's when pushed, so that no lookup walks the stack: a page of thousands of
        // nested inline elements made every start tag walk all of them (quadratic; minutes for a few MB).
        int depth; // index in the stack
        Frame sameTagBelow; // the next open element of the same name under this one
        Frame tableFrame; // the innermost open (not skipped) table, this one included
        Frame rowFrame; // the innermost open row of that table
        Frame headingFrame; // the h1/h2 this frame's text belongs to (through inline elements only)

        Frame(
                String tag,
                boolean skip,
                boolean link,
                boolean heading,
                boolean listItem,
                boolean main,
                boolean pre,
                boolean headerFooter,
                int article) {
            this.tag = tag;
            this.skip = skip;
            this.link = link;
            this.heading = heading;
            this.listItem = listItem;
            this.main = main;
            this.pre = pre;
            this.headerFooter = headerFooter;
            this.article = article;
        }
    }

    /** Deeper elements are not opened: Blink's parser stops nesting at 512 too. */
    private static final int MAX_DEPTH = 512;

    /** Where the search for an open element to close implicitly stops, per element closed. */
    private static final Set<String>
            P_SCOPE = Set.of("div", "td", "th", "li", "section", "article", "main", "body", "blockquote", "dd"),
            LI_SCOPE = Set.of("ul", "ol", "menu"),
            DL_SCOPE = Set.of("dl"),
            TR_SCOPE = Set.of("table", "tbody", "thead", "tfoot"),
            CELL_SCOPE = Set.of("tr", "table"),
            OPTION_SCOPE = Set.of("select");

    private final List<Frame> stack = new ArrayList<>();
    /** The innermost open element of each name (the others of that name chain down from it). */
    private final Map<String, Frame> innermost = new HashMap<>();

    private final List<Block> blocks = new ArrayList<>();
    private final StringBuilder buf = new StringBuilder();
    private int linkChars;
    private boolean pendingSpace;
    private int articles;
    private String title;
    private boolean titleHeadingSeen;
    private int headline = -1;
    private boolean declaresArticleBody;
    private TitleMatch titleMatch;
    private final List<Integer> boxParent = new ArrayList<>();
    private final ElementTable elements;
    private final List<String> jsonLd = new ArrayList<>();
    /** The page's meta tags, for {@link MetaDescription}. */
    private final List<StartTag> metaTags = new ArrayList<>();

    private final boolean lenient, landmarks, lineBoxesOpen;
    private final LineBoxes lineBoxes = new LineBoxes();
    private final PageNames names;
    /** The first '&' at or after {@link #ampFrom} in {@link #ampIn} (MAX_VALUE: none): text runs without one skip unescaping. */
    private String ampIn;

    private int ampFrom, ampAt;

    /**
     * @param lenient strongly named boxes (share, related, comments ...) are judged by size like weakly
     *     named ones instead of skipped: the second try for a page where a name on a wrapper hid it all
     * @param landmarks asides and banner / contentinfo / complementary landmarks are judged by size too
     *     instead of skipped (with {@code lenient}): the last try for a page that came out empty because
     *     one of them wrapped the article
     * @param lineBoxesOpen boxes named for a line (caption, byline, dateline) are read as text (a strict pass
     *     otherwise): the pass for a post whose prose fills such boxes
     * @param names what the page's class and id values say, shared by all passes over one page
     */
    TextBlockBuilder(boolean lenient, boolean landmarks, boolean lineBoxesOpen, PageNames names) {
        this.lenient = lenient;
        this.landmarks = landmarks;
        this.lineBoxesOpen = lineBoxesOpen;
        this.names = names;
        this.elements = new ElementTable(names);
    }

    private Frame top() {
        return stack.isEmpty() ? null : stack.get(stack.size() - 1);
    }

    private boolean skipping() {
        Frame t = top();
        return t != null && t.skip;
    }

    private void flush() {
        if (buf.length() > 0) {
            Frame t = top();
            String s = buf.toString().strip();
            if (!s.isEmpty() && !titleHeading(s)) {
                boolean heading = false, li = false, main = false, hf = false;
                int art = 0, box = -1, element = -1;
                if (t != null) {
                    heading = t.heading;
                    li = t.listItem;
                    main = t.main;
                    art = t.article;
                    hf = t.headerFooter;
                    box = t.box;
                    element = t.element;
                }
                blocks.add(new Block(
                        li ? "- " + s : s, Math.min(linkChars, s.length()), heading, li, main, art, hf, box, element));
            }
            buf.setLength(0);
        }
        linkChars = 0;
        pendingSpace = false;
    }

    /**
     * The first h1/h2 that repeats the page's title: the headline, which is the document's title and
     * not its text (Readability drops it the same way; gold article bodies leave it out). Only the
     * first, so a later section heading that happens to share the title's words stays.
     */
    private boolean titleHeading(String text) {
        if (titleHeadingSeen || title == null || title.isEmpty()) return false;
        Frame top = top();
        Frame heading = top == null ? null : top.headingFrame;
        if (heading == null) return false;
        if (titleMatch == null) titleMatch = new TitleMatch(title);
        if (!titleMatch.duplicatedBy(text)) return false;
        titleHeadingSeen = true;
        headline = blocks.size();
        if (titleMatch.coversMostOf(text)) elements.headline(heading.element);
        return true;
    }

    /** The innermost open table, or null. */
    private TableRows.Table openTable() {
        Frame top = top();
        return top == null || top.tableFrame == null ? null : top.tableFrame.table;
    }

    /** The innermost open row of the innermost open table, or null. */
    private Frame openRow() {
        Frame top = top();
        return top == null ? null : top.rowFrame;
    }

    /** Appends {@code s[from, to)}: white space collapsed, or, in pre, each line its own block. */
    private void appendText(String s, int from, int to, boolean inLink, boolean pre) {
        if (pre) {
            int start = from;
            for (int i = from; i < to; i++) {
                if (s.charAt(i) == '\n') {
                    appendRaw(s.substring(start, i), inLink);
                    flush();
                    start = i + 1;
                }
            }
            appendRaw(s.substring(start, to), inLink);
            return;
        }
        int i = from;
        while (i < to) {
            if (collapsible(s.charAt(i))) {
                pendingSpace = buf.length() > 0;
                i++;
                continue;
            }
            int word = i;
            while (i < to && !collapsible(s.charAt(i))) i++;
            if (pendingSpace) {
                buf.append(' ');
                pendingSpace = false;
            }
            buf.append(s, word, i);
            if (inLink) linkChars += i - word;
        }
    }

    private static boolean collapsible(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\u00A0' || c == '\u200B';
    }

    private void appendRaw(String s, boolean inLink) {
        String t = s.replace('\t', ' ');
        // a blank run opening a line is indentation, which the block drops anyway; within a line it is the
        // space between two highlighted tokens ("<span>SELECT</span> <span>avg</span>")
        if (t.isEmpty() || t.isBlank() && buf.length() == 0) return;
        buf.append(t);
        if (inLink) linkChars += t.length();
    }

    /** The blocks of the whole page, once the lexer has reported everything. */
    Blocks finish() {
        flush();
        return new Blocks(
                blocks,
                boxParent,
                articles,
                title,
                elements,
                jsonLd,
                headline,
                declaresArticleBody,
                metaTags,
                lineBoxes.proseChars());
    }

    @Override
    public void text(String html, int from, int to) {
        Frame t = top();
        if (t != null && t.skip) {
            if (t.lineBox) lineBoxes.text(html, from, to, t.link);
            return;
        }
        boolean link = false, pre = false;
        if (t != null) {
            link = t.link;
            pre = t.pre;
        }
        if (hasAmpersand(html, from, to)) {
            String s = HtmlTokenizer.unescape(html.substring(from, to));
            appendText(s, 0, s.length(), link, pre);
        } else appendText(html, from, to, link, pre);
    }

    /** Whether {@code html[from, to)} holds a '&', with one forward search over the page for all its runs. */
    private boolean hasAmpersand(String html, int from, int to) {
        if (html != ampIn || from < ampFrom || ampAt < from) {
            int at = html.indexOf('&', from);
            ampIn = html;
            ampFrom = from;
            ampAt = at < 0 ? Integer.MAX_VALUE : at;
        }
        return ampAt < to;
    }

    @Override
    public void startTag(StartTag tag) {
        String name = tag.name();
        if (name.equals("meta")) metaTags.add(tag);
        startElement(tag);
        if (HtmlElements.VOID.contains(name) || tag.selfClosing() && !HtmlElements.BLOCK.contains(name)) {
            if (name.equals("br") || name.equals("hr")) {
                if (!skipping()) {
                    flush();
                }
            }
            popTo(name);
        }
    }

    @Override
    public void endTag(String name) {
        endElement(name);
    }

    @Override
    public int rawTextElement(StartTag tag, String html, int from, int to) {
        startElement(tag);
        if (tag.name().equals("title") && title == null)
            title = HtmlTokenizer.unescape(html.substring(from, to)).strip();
        else if (tag.name().equals("script") && tag.type() != null && tag.type().contains("ld+json"))
            jsonLd.add(html.substring(from, to));
        popTo(tag.name());
        return to;
    }

    private void startElement(StartTag tag) {
        String name = tag.name();
        String cls = tag.cls();
        String id = tag.id();
        // an id that reads as a phrase is a heading's anchor, not the box's name
        String boxId = names.phrase(id) ? null : id;
        String role = tag.role();
        Frame parent = top();
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
                    "details" -> closeIfOpen("p", P_SCOPE);
            case "li" -> closeIfOpen("li", LI_SCOPE);
            case "dt", "dd" -> {
                closeIfOpen("dt", DL_SCOPE);
                closeIfOpen("dd", DL_SCOPE);
            }
            case "tr" -> closeIfOpen("tr", TR_SCOPE);
            case "td", "th" -> {
                closeIfOpen("td", CELL_SCOPE);
                closeIfOpen("th", CELL_SCOPE);
            }
            case "option" -> closeIfOpen("option", OPTION_SCOPE);
            default -> {}
        }
        parent = top();
        if (articleBodyProp(tag.itemprop())) declaresArticleBody = true;
        if (parent != null && parent.form >= 0 && name.equals("input") && asksForAccount(tag.type()))
            elements.signUpForm(parent.form);
        boolean inMainAlready = parent != null && parent.main;
        boolean skip = parent != null && parent.skip;
        boolean lineBox = skip && parent.lineBox;
        int lineBoxKind = LineBoxes.NONE;
        // the page's own header or footer; the lenient pass judges it by size like a weakly named box
        // instead of skipping it: a header the page never closed holds the rest of the page
        boolean pageHeaderFooter = (name.equals("header") || name.equals("footer"))
                && !inMainAlready
                && (parent == null || parent.article == 0);
        boolean landmark = landmarks && BoilerplateNames.pageLandmark(name, role);
        if (!skip) {
            if (BoilerplateNames.skippedElement(name) && !landmark) skip = true;
            else if (pageHeaderFooter && !lenient) skip = true;
            else if (tag.hidden()) skip = true;
            else if (BoilerplateNames.skippedRole(role) && !landmark) skip = true;
            else if (tag.style() != null && BoilerplateNames.hiddenStyle(tag.style())) skip = true;
            else if (BoilerplateNames.hiddenClass(cls)) skip = true;
            else if (!lenient
                    && !articleContainer(name, tag.itemprop())
                    && (names.strong(cls) || names.strong(boxId))) {
                lineBoxKind = lineBoxKind(name, cls, boxId);
                lineBox = lineBoxKind != LineBoxes.NONE;
                skip = !(lineBoxesOpen && lineBox);
                lineBox &= skip;
            }
        }
        int box = parent == null ? -1 : parent.box;
        if (!skip
                && !name.equals("body")
                && !name.equals("html")
                && !name.equals("main")
                && !name.equals("article")
                && !"main".equalsIgnoreCase(role)
                && (names.weak(cls)
                        || names.weak(boxId)
                        // a tab list holds the tabs' labels, yet pages put the tab panels, the article with
                        // them, inside it too: judged by size and links like a weakly named box
                        || "tablist".equalsIgnoreCase(role)
                        || lenient && (pageHeaderFooter || landmark || names.strong(cls) || names.strong(boxId)))) {
            // a weakly named box ("nav", "menu", "footer", …): judged after the pass by its size and links,
            // since content wrappers are sometimes named e.g. "wy-nav-content"
            boxParent.add(box);
            box = boxParent.size() - 1;
        }
        boolean block = HtmlElements.BLOCK.contains(name);
        if (lineBox) {
            // paragraphs count per innermost named box: a gallery's caption may hold its text twice, in a
            // full and a truncated caption box
            if (lineBoxKind == LineBoxes.NONE) lineBoxKind = lineBoxKind(name, cls, boxId);
            if (lineBoxKind != LineBoxes.NONE) lineBoxes.boxStarts(lineBoxKind);
            else if (block || name.equals("br")) lineBoxes.paragraphEnds();
        }
        boolean row = name.equals("tr");
        boolean cell = name.equals("td") || name.equals("th");
        if (!skip && block) flush();
        if (!skip) tableSignals(name, cell);
        boolean main = inMainAlready || name.equals("main") || "main".equalsIgnoreCase(role);
        int article = parent == null ? 0 : parent.article;
        if (name.equals("article")) article = ++articles;
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
                name, skip, link, heading, li, main, name.equals("pre") || (parent != null && parent.pre), hf, article);
        fr.box = box;
        fr.code = code;
        fr.lineBox = lineBox;
        fr.block = block;
        if (!skip && name.equals("table")) fr.table = new TableRows.Table("presentation".equalsIgnoreCase(role));
        if (!skip && row) fr.rowState = new TableRows.Row(blocks.size());
        int parentElement = parent == null ? -1 : parent.element;
        fr.element = skip ? parentElement : elements.add(parentElement, name, cls, id, tag.itemprop());
        if (!skip) elements.box(fr.element, box);
        fr.form = !skip && name.equals("form") ? fr.element : parent == null ? -1 : parent.form;
        if (skip && (parent == null || !parent.skip)) elements.skippedChild(parentElement);
        if (stack.size() >= MAX_DEPTH) return; // pathological nesting: stay bounded
        fr.depth = stack.size();
        fr.tableFrame = fr.table != null ? fr : parent == null ? null : parent.tableFrame;
        fr.rowFrame = fr.rowState != null ? fr : fr.table != null || parent == null ? null : parent.rowFrame;
        fr.headingFrame =
                name.equals("h1") || name.equals("h2") ? fr : heading && parent != null ? parent.headingFrame : null;
        fr.sameTagBelow = innermost.put(name, fr);
        stack.add(fr);
    }

    /** An input for an e-mail address or a password: the form around it signs a reader up or in. */
    private static boolean asksForAccount(String type) {
        return type != null && (type.equalsIgnoreCase("email") || type.equalsIgnoreCase("password"));
    }

    /**
     * Feeds the layout-or-data decision before the element's frame is pushed: a nested table marks the
     * row around it as layout, a caption / th / thead / tfoot / col / colgroup declares its table data,
     * a cell starts a new cell in its row.
     */
    private void tableSignals(String name, boolean cell) {
        switch (name) {
            case "table" -> {
                Frame outer = openRow();
                if (outer != null) outer.rowState.nestedTable = true;
            }
            case "caption", "th", "thead", "tfoot", "col", "colgroup" -> {
                TableRows.Table t = openTable();
                if (t != null) t.declaredData = true;
            }
            default -> {}
        }
        if (cell) {
            Frame r = openRow();
            if (r != null) r.rowState.cellStarts(blocks.size());
        }
    }

    /**
     * Which box for one line the element is ({@link LineBoxes}): a byline only as an inline element, the
     * span a word processor's paste wraps around paragraphs; a block named "byline" around the story is a
     * wrapper the lenient pass judges by size.
     */
    private int lineBoxKind(String name, String cls, String id) {
        int kind = Math.max(names.lineBox(cls), names.lineBox(id));
        return kind == LineBoxes.BYLINE && HtmlElements.BLOCK.contains(name) ? LineBoxes.NONE : kind;
    }

    /** An element that declares itself the page's content, whatever its class or id says. */
    private static boolean articleContainer(String name, String itemprop) {
        return name.equals("article") || name.equals("main") || name.equals("body") || articleBodyProp(itemprop);
    }

    private static boolean articleBodyProp(String itemprop) {
        return itemprop != null && itemprop.toLowerCase(java.util.Locale.ROOT).contains("articlebody");
    }

    /** Closes the innermost open {@code tag} unless one of {@code scopeStops} is open inside it. */
    private void closeIfOpen(String tag, Set<String> scopeStops) {
        Frame open = innermost.get(tag);
        if (open == null) return;
        for (String stop : scopeStops) {
            Frame s = innermost.get(stop);
            if (s != null && s.depth > open.depth) return;
        }
        popTo(tag);
    }

    private void endElement(String name) {
        if (innermost.containsKey(name)) {
            popTo(name);
            return;
        }
        if (name.equals("p") || name.equals("br")) {
            if (!skipping()) flush();
        }
    }

    /**
     * A data row's blocks become one block, its cells joined by " | ", with the row's own context; a
     * layout row keeps the blocks its cells made, as a page without tables would have them.
     */
    private void endRow(Frame row) {
        TableRows.Table table = openTable();
        Block joined = TableRows.joinedIfData(blocks, row.rowState, table);
        if (joined == null) return;
        blocks.subList(row.rowState.firstBlock, blocks.size()).clear();
        blocks.add(new Block(
                joined.text(),
                joined.linkChars(),
                false,
                false,
                row.main,
                row.article,
                row.headerFooter,
                row.box,
                row.element));
    }

    /** Pops up to and including the innermost open {@code tag}, flushing blocks as block elements close. */
    private void popTo(String tag) {
        for (int k = stack.size() - 1; k >= 0; k--) {
            Frame f = stack.get(k);
            if (!f.skip && f.block) flush();
            if (f.lineBox && f.block) lineBoxes.paragraphEnds();
            if (f.rowState != null) endRow(f);
            stack.remove(k);
            if (f.sameTagBelow == null) innermost.remove(f.tag);
            else innermost.put(f.tag, f.sameTagBelow);
            if (f.tag.equals(tag)) return;
        }
    }
}
