package dev.kiln.corpus.pipeline.pii;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FineWeb's PII formatter: e-mail addresses and public IPv4 addresses are replaced by the same
 * replacement strings as datatrove's PIIFormatter, used in rotation. The patterns follow datatrove's
 * (the e-mail one is case-sensitive lowercase as there; the IPv4 one has no word boundary). An IP is
 * replaced only when it is global in Python's {@code ipaddress} sense: private, loopback, link-local,
 * documentation, benchmarking, reserved, "this network" and shared (100.64/10) ranges stay. Never drops.
 */
public final class PiiScrubber implements PipelineStep {
    /**
     * datatrove's pattern with its repetitions bounded by what RFC 5321 lets an address hold (64 characters of
     * local part, labels of 63, 127 labels): unbounded, a few thousand characters of "a.a.a…" overflowed the
     * stack (Java's regex engine recurses per repetition of a group) and a run of "a!a!a!…" cost time
     * quadratic in its length. Only longer-than-legal addresses match differently (their last legal part).
     */
    static final Pattern EMAIL =
            Pattern.compile("\\b[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,63}){0,31}@"
                    + "(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,126}[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                    + "|\\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]"
                    + "|[01]?[0-9][0-9]?|[a-z0-9-]{0,61}[a-z0-9]:)])");

    static final Pattern IPV4 = Pattern.compile(
            "(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)");

    /** Python 3.12 ipaddress: IPv4 networks that are not global. {base, prefix length}. */
    private static final long[][] NOT_GLOBAL = {
        {ip(0, 0, 0, 0), 8}, {ip(10, 0, 0, 0), 8}, {ip(100, 64, 0, 0), 10}, {ip(127, 0, 0, 0), 8},
        {ip(169, 254, 0, 0), 16}, {ip(172, 16, 0, 0), 12}, {ip(192, 0, 0, 0), 24}, {ip(192, 0, 2, 0), 24},
        {ip(192, 168, 0, 0), 16}, {ip(198, 18, 0, 0), 15}, {ip(198, 51, 100, 0), 24}, {ip(203, 0, 113, 0), 24},
        {ip(240, 0, 0, 0), 4}, {ip(255, 255, 255, 255), 32}
    };

    private final PipelineConfig.Pii cfg;
    private final AtomicLong emailTurn = new AtomicLong();
    private final AtomicLong ipTurn = new AtomicLong();

    public PiiScrubber(PipelineConfig.Pii cfg) {
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "pii";
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String text = doc.text();
        if (text == null) return StepResult.keep();
        int[] counts = new int[2];
        if (cfg.removeEmails()) text = replace(EMAIL, text, cfg.emailReplacements(), emailTurn, false, counts, 0);
        if (cfg.removeIps()) text = replace(IPV4, text, cfg.ipReplacements(), ipTurn, cfg.onlyPublicIps(), counts, 1);
        doc.setText(text);
        return counts[0] + counts[1] == 0
                ? StepResult.keep()
                : StepResult.keep(Map.of("emails_replaced", counts[0], "ips_replaced", counts[1]));
    }

    private static String replace(
            Pattern p, String text, List<String> repl, AtomicLong turn, boolean publicOnly, int[] counts, int slot) {
        Matcher m = p.matcher(text);
        if (!m.find()) return text;
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        do {
            sb.append(text, last, m.start());
            String found = m.group();
            if (publicOnly && !isGlobal(found)) {
                sb.append(found);
            } else {
                sb.append(repl.get((int) Math.floorMod(turn.getAndIncrement(), (long) repl.size())));
                counts[slot]++;
            }
            last = m.end();
        } while (m.find());
        sb.append(text, last, text.length());
        return sb.toString();
    }

    private static long ip(int a, int b, int c, int d) {
        return ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d;
    }

    /** True when the dotted quad is a global (public) address, as Python's {@code ip_address(s).is_global}. */
    public static boolean isGlobal(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) return false;
        long v = 0;
        for (String s : parts) {
            // Python's ipaddress rejects leading zeros ("01") as ambiguous octal
            if (s.length() > 1 && s.charAt(0) == '0') return false;
            int o = Integer.parseInt(s);
            if (o > 255) return false;
            v = (v << 8) | o;
        }
        for (long[] n : NOT_GLOBAL) {
            long mask = n[1] == 0 ? 0 : (0xFFFFFFFFL << (32 - n[1])) & 0xFFFFFFFFL;
            if ((v & mask) == n[0]) return false;
        }
        return true;
    }
}
