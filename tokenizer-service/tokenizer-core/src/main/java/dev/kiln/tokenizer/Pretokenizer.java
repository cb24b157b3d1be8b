package dev.kiln.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into pre-tokens (the pieces BPE merges within) with a tiktoken-style pattern.
 *
 * <p>The patterns of the standard encodings (which need look-around) run on hand-written scanners;
 * any other pattern runs on RE2/J ({@link LinearRegex}), linear in the text, with tiktoken's (Rust
 * regex) semantics. Only a pattern RE2/J cannot compile falls back to {@code java.util.regex}, again
 * with tiktoken's semantics: {@code \s}, {@code \w}, {@code \d} and case folding are Unicode
 * ({@code UNICODE_CHARACTER_CLASS}), and {@code $} outside a character class becomes {@code \z},
 * because in Rust it means end of text while Java's also matches before a final line break.
 * Patterns from clients never reach that fallback: {@link #linear} refuses them instead.
 *
 * <p>Like tiktoken, text the pattern does not match is skipped (none of the standard patterns skips any).
 */
public final class Pretokenizer {
    /** GPT-2's pattern as tiktoken writes it today (r50k_base, p50k_base). */
    public static final String R50K_PATTERN =
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}++| ?\\p{N}++| ?[^\\s\\p{L}\\p{N}]++|\\s++$|\\s+(?!\\S)|\\s";
    /** cl100k_base's pattern as tiktoken writes it today. */
    public static final String CL100K_PATTERN =
            "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+"
                    + "|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";
    /** o200k_base's pattern. */
    public static final String O200K_PATTERN = String.join(
            "|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+");

    /**
     * Other spellings that the scanners also serve, each kept equal to the regex by the differential
     * tests: GPT-2's older spellings (equal to the current one), and the cl100k spelling of older tiktoken
     * releases and of Llama 3's tokenizer.json. That one differs from today's cl100k pattern only for
     * whitespace that ends the text and holds a line break ("\n  " is one piece today, two before).
     */
    private static final Map<String, Kind> EQUIVALENT_SPELLINGS = Map.of(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Kind.R50K,
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Kind.R50K,
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            Kind.CL100K_LEGACY);

    enum Kind {
        R50K,
        CL100K,
        CL100K_LEGACY,
        O200K,
        REGEX
    }

    private final String pattern;
    private final Kind kind;
    /** Set for a REGEX pattern RE2/J compiles. */
    private final com.google.re2j.Pattern linearRegex;
    /** Set for a REGEX pattern only java.util.regex compiles. */
    private final Pattern backtrackingRegex;

    private Pretokenizer(String pattern, Kind kind, com.google.re2j.Pattern linearRegex, Pattern backtrackingRegex) {
        this.pattern = pattern;
        this.kind = kind;
        this.linearRegex = linearRegex;
        this.backtrackingRegex = backtrackingRegex;
    }

    private Pretokenizer(String pattern, Kind kind) {
        this(pattern, kind, null, null);
    }

    /**
     * A pattern that is not a standard one: on RE2/J when it compiles there. The fallback to
     * java.util.regex (which can backtrack without bound) is kept only for patterns that come from
     * the operator, in tokenizer.json or tokenizer_config.json files the server was given; a
     * client's pattern goes through {@link #linear}, which refuses what RE2/J cannot run.
     */
    private static Pretokenizer regex(String pattern) {
        try {
            return new Pretokenizer(pattern, Kind.REGEX, LinearRegex.compile(pattern), null);
        } catch (IllegalArgumentException notLinear) {
            return new Pretokenizer(pattern, Kind.REGEX, null, compile(pattern));
        }
    }

    /** A pre-tokenizer for pattern, on a hand-written scanner when the pattern is a standard one. */
    public static Pretokenizer forPattern(String pattern) {
        // files written for engines where $ means end of line carry \z instead; same pattern here
        if (pattern.equals(R50K_PATTERN) || pattern.equals(translateDollar(R50K_PATTERN))) {
            return new Pretokenizer(pattern, Kind.R50K);
        }
        if (pattern.equals(CL100K_PATTERN) || pattern.equals(translateDollar(CL100K_PATTERN))) {
            return new Pretokenizer(pattern, Kind.CL100K);
        }
        if (pattern.equals(O200K_PATTERN)) {
            return new Pretokenizer(pattern, Kind.O200K);
        }
        Kind known = EQUIVALENT_SPELLINGS.get(pattern);
        return known != null ? new Pretokenizer(pattern, known) : regex(pattern);
    }

    /**
     * A pre-tokenizer for a pattern a client sent: a standard one keeps its scanner, any other must
     * compile on RE2/J, so matching stays linear in the text.
     *
     * @throws IllegalArgumentException when RE2/J cannot compile it, naming the construct
     */
    public static Pretokenizer linear(String pattern) {
        Pretokenizer standard = forPattern(pattern);
        if (standard.isScanner()) {
            return standard;
        }
        return new Pretokenizer(pattern, Kind.REGEX, LinearRegex.compile(pattern), null);
    }

    /** A pre-tokenizer that always uses java.util.regex (the reference the scanners are tested against). */
    public static Pretokenizer regexOnly(String pattern) {
        return new Pretokenizer(pattern, Kind.REGEX, null, compile(pattern));
    }

    /** Java regex with tiktoken's semantics for a tiktoken/Rust-style pattern. */
    public static Pattern compile(String pattern) {
        return Pattern.compile(translateDollar(pattern), Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE);
    }

    public String pattern() {
        return pattern;
    }

    /** True when the pattern runs on a hand-written scanner. */
    public boolean isScanner() {
        return kind != Kind.REGEX;
    }

    /** True when the pattern runs on a scanner or on RE2/J: time linear in the text. */
    public boolean isLinear() {
        return kind != Kind.REGEX || linearRegex != null;
    }

    Kind kind() {
        return kind;
    }

    /** The pieces of text, as strings (a convenience for tests and tools; the encoder uses {@link #cursor}). */
    public List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Cursor c = cursor(text, 0, text.length());
        while (c.next()) {
            out.add(text.substring(c.start, c.end));
        }
        return out;
    }

    /** Iterates over the pieces of text[from, to); the segment end acts as end of text for {@code $}. */
    public Cursor cursor(String text, int from, int to) {
        return new Cursor(text, from, to);
    }

    /** Position of the current piece; read {@link #start} and {@link #end} after {@link #next} returned true. */
    public final class Cursor {
        private final String text;
        private final int limit;
        private final Matcher matcher;
        /** RE2/J has no regions: it matches the segment alone, whose offsets start at {@code from}. */
        private final com.google.re2j.Matcher linearMatcher;

        private final int from;
        private int pos;
        public int start;
        public int end;

        private Cursor(String text, int from, int to) {
            this.text = text;
            this.limit = to;
            this.pos = from;
            this.from = from;
            // tiktoken sees U+FFFD where Java sees a lone surrogate; same length, so offsets hold
            String subject = kind == Kind.REGEX && Utf8.hasLoneSurrogate(text, from, to)
                    ? Utf8.replaceLoneSurrogates(text)
                    : text;
            if (linearRegex != null) {
                this.linearMatcher = linearRegex.matcher(subject.subSequence(from, to));
                this.matcher = null;
            } else if (backtrackingRegex != null) {
                this.linearMatcher = null;
                this.matcher = backtrackingRegex.matcher(subject).region(from, to);
                matcher.useTransparentBounds(false).useAnchoringBounds(true);
            } else {
                this.linearMatcher = null;
                this.matcher = null;
            }
        }

        public boolean next() {
            if (linearMatcher != null) {
                while (linearMatcher.find()) {
                    if (linearMatcher.end() > linearMatcher.start()) {
                        start = from + linearMatcher.start();
                        end = from + linearMatcher.end();
                        return true;
                    }
                }
                return false;
            }
            if (matcher != null) {
                while (true) {
                    if (!matcher.find()) {
                        return false;
                    }
                    if (matcher.end() > matcher.start()) {
                        start = matcher.start();
                        end = matcher.end();
                        return true;
                    }
                    // an empty match is not a piece; find() already steps past it
                }
            }
            if (pos >= limit) {
                return false;
            }
            start = pos;
            end = switch (kind) {
                case R50K -> R50kScanner.pieceEnd(text, pos, limit);
                case CL100K -> Cl100kScanner.pieceEnd(text, pos, limit, false);
                case CL100K_LEGACY -> Cl100kScanner.pieceEnd(text, pos, limit, true);
                case O200K -> O200kScanner.pieceEnd(text, pos, limit);
                case REGEX -> throw new IllegalStateException();
            };
            pos = end;
            return true;
        }
    }

    /** Replaces unescaped {@code $} outside character classes with {@code \z}. */
    static String translateDollar(String pattern) {
        StringBuilder sb = new StringBuilder(pattern.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                sb.append(c).append(pattern.charAt(++i));
                continue;
            }
            if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '$' && !inClass) {
                sb.append("\\z");
                continue;
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
