package dev.kiln.tokenizer;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * The {@code .tiktoken} rank file format: one token per line, {@code base64(bytes) SPACE rank}.
 * The rank is also the token id. The file holds neither the pattern nor the special tokens, which
 * the caller supplies (as tiktoken's own encoding definitions do).
 */
public final class TiktokenRankFile {
    private TiktokenRankFile() {}

    public static RankTable read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a rank file; source names it in error messages. The stream is not closed. */
    public static RankTable read(InputStream in, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        Base64.Decoder base64 = Base64.getDecoder();
        RankTable.Builder builder = new RankTable.Builder();
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new IOException(source + ":" + lineNumber + ": expected 'base64 rank'");
            }
            try {
                byte[] token = base64.decode(line.substring(0, space));
                int rank = Integer.parseInt(line.substring(space + 1).trim());
                builder.add(token, rank, rank);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ":" + lineNumber + ": " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    /** Loads an encoding from a rank file plus its pattern and special tokens. */
    public static Encoding load(String name, Path file, String pattern, Map<String, Integer> specialTokens)
            throws IOException {
        return Encoding.of(name, pattern, read(file), specialTokens);
    }

    /** Writes the mergeable tokens of an encoding in rank order. Requires rank == id (tiktoken's model). */
    public static void write(Encoding encoding, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(encoding, out);
        }
    }

    public static void write(Encoding encoding, OutputStream out) throws IOException {
        if (encoding.isSentencePiece()) {
            throw new UnsupportedTokenizerFeatureException("the SentencePiece-style encoding " + encoding.name()
                    + " is served as read; it cannot be written as a rank file or a byte-level tokenizer.json");
        }
        RankTable ranks = encoding.ranks();
        int[] idByRank = idsInRankOrder(ranks);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), 1 << 16);
        Base64.Encoder base64 = Base64.getEncoder();
        for (int id : idByRank) {
            if (ranks.rankOfId(id) != id) {
                throw new IllegalArgumentException("encoding " + encoding.name() + " has token id " + id
                        + " with merge rank " + ranks.rankOfId(id) + "; a .tiktoken file needs rank == id");
            }
            w.write(base64.encodeToString(ranks.bytes(id)));
            w.write(' ');
            w.write(Integer.toString(id));
            w.write('\n');
        }
        w.flush();
    }

    static int[] idsInRankOrder(RankTable ranks) {
        int[] ids = new int[ranks.size()];
        int n = 0;
        for (int id = 0; id < ranks.idLimit(); id++) {
            if (ranks.containsId(id)) {
                ids[n++] = id;
            }
        }
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            keyed[i] = ((long) ranks.rankOfId(ids[i]) << 32) | ids[i];
        }
        java.util.Arrays.sort(keyed);
        for (int i = 0; i < n; i++) {
            ids[i] = (int) keyed[i];
        }
        return ids;
    }

    static RankTable readResource(String resource) {
        try (InputStream in = TiktokenRankFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "rank file " + resource + " is not on the classpath (jtokkit jar missing?)");
            }
            return read(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
