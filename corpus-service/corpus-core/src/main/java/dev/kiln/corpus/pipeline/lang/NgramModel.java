package dev.kiln.corpus.pipeline.lang;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The language model file read by {@link NgramLanguageIdentifier}: per language a log prior (added once
 * per text), per language and n-gram order a log-probability floor (what an unlisted n-gram is worth), per listed character 1–3-gram the languages
 * it occurs in with its log-probability above that floor, the Han folding table, and the score
 * calibration fitted to this model. Gzipped {@link DataOutputStream} layout, version {@value #VERSION}:
 *
 * <pre>
 * int magic 'KLNG', int version, Calibration (5 doubles),
 * int languages, UTF code × languages, float prior[languages], float floor[3][languages],
 * int hanPairs, (char from, char to) × hanPairs,
 * int ngrams, (long key, byte entries, (byte language, float delta) × entries) × ngrams
 * </pre>
 *
 * The default model ({@value #RESOURCE}) is written by {@code bench/langid-model.sh}.
 */
public record NgramModel(
        List<String> languages,
        float[] prior,
        float[][] floor,
        char[] hanFold,
        long[] keys,
        byte[][] entryLanguages,
        float[][] entryDeltas,
        Calibration calibration) {
    public static final String RESOURCE = "/kiln/corpus/lang/ngram-model.bin.gz";
    private static final int MAGIC = 0x4B4C4E47;
    private static final int VERSION = 3;

    /**
     * Maps a text's evidence to the probability that its best language is right:
     * {@code σ(bias + margin·perNat + margin/ngrams·perMeanNat + ln(ngrams)·perLogNgram
     * + max(0, COVERAGE_KNEE − coverage)·perCoverageShortfall)}, where margin is the log-likelihood lead
     * of the best language over the runner-up and coverage the share of the text's n-grams the best
     * language lists (Platt scaling with extra features, fitted on held-out text and junk; see the
     * corpus-core README).
     */
    public record Calibration(
            double bias, double perNat, double perMeanNat, double perLogNgram, double perCoverageShortfall) {
        /**
         * Real text scores coverage above this (short Europarl English: 0.80–0.97, names pulling it
         * down), random letters and keyboard mash below it (median 0.61–0.65, 99th percentile 0.67–0.87
         * by length), so only a shortfall under it counts: a linear term would also mark down real text
         * full of names.
         */
        public static final double COVERAGE_KNEE = 0.8;

        public double probability(double margin, int ngrams, double coverage) {
            double z = bias
                    + margin * perNat
                    + margin / ngrams * perMeanNat
                    + Math.log(ngrams) * perLogNgram
                    + coverageShortfall(coverage) * perCoverageShortfall;
            return 1 / (1 + Math.exp(-z));
        }

        public static double coverageShortfall(double coverage) {
            return Math.max(0, COVERAGE_KNEE - coverage);
        }
    }

    /** Packs an n-gram of one to three chars into the model's key. */
    public static long key(int order, char a, char b, char c) {
        long k = order == 1
                ? ((1L << 16) | a)
                : order == 2 ? (((2L << 16) | a) << 16 | b) : ((((3L << 16) | a) << 16 | b) << 16 | c);
        return k | (1L << 62);
    }

    public static NgramModel readDefault() {
        try (InputStream in = NgramModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("language model " + RESOURCE + " is not on the classpath");
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read language model " + RESOURCE, e);
        }
    }

    public static NgramModel read(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        if (in.readInt() != MAGIC) throw new IOException("not a Kiln language model (bad magic)");
        int version = in.readInt();
        if (version != VERSION) throw new IOException("language model version " + version + ", expected " + VERSION);
        Calibration cal =
                new Calibration(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
        int nl = in.readInt();
        String[] langs = new String[nl];
        for (int l = 0; l < nl; l++) langs[l] = in.readUTF();
        float[] prior = new float[nl];
        for (int l = 0; l < nl; l++) prior[l] = in.readFloat();
        float[][] floor = new float[3][nl];
        for (float[] f : floor) for (int l = 0; l < nl; l++) f[l] = in.readFloat();
        char[] han = new char[0x10000];
        for (int i = 0, n = in.readInt(); i < n; i++) han[in.readChar()] = in.readChar();
        int n = in.readInt();
        long[] keys = new long[n];
        byte[][] el = new byte[n][];
        float[][] ed = new float[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = in.readLong();
            int m = in.readByte() & 0xFF;
            el[i] = new byte[m];
            ed[i] = new float[m];
            for (int j = 0; j < m; j++) {
                el[i][j] = in.readByte();
                ed[i][j] = in.readFloat();
            }
        }
        return new NgramModel(List.of(langs), prior, floor, han, keys, el, ed, cal);
    }

    public void write(OutputStream raw) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16);
        DataOutputStream out = new DataOutputStream(gz);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeDouble(calibration.bias());
        out.writeDouble(calibration.perNat());
        out.writeDouble(calibration.perMeanNat());
        out.writeDouble(calibration.perLogNgram());
        out.writeDouble(calibration.perCoverageShortfall());
        out.writeInt(languages.size());
        for (String l : languages) out.writeUTF(l);
        for (float p : prior) out.writeFloat(p);
        for (float[] f : floor) for (float v : f) out.writeFloat(v);
        int pairs = 0;
        for (char c : hanFold) if (c != 0) pairs++;
        out.writeInt(pairs);
        for (int c = 0; c < hanFold.length; c++)
            if (hanFold[c] != 0) {
                out.writeChar(c);
                out.writeChar(hanFold[c]);
            }
        out.writeInt(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.writeLong(keys[i]);
            out.writeByte(entryLanguages[i].length);
            for (int j = 0; j < entryLanguages[i].length; j++) {
                out.writeByte(entryLanguages[i][j]);
                out.writeFloat(entryDeltas[i][j]);
            }
        }
        out.flush();
        gz.finish();
    }

    public NgramModel withCalibration(Calibration c) {
        return new NgramModel(languages, prior, floor, hanFold, keys, entryLanguages, entryDeltas, c);
    }

    public NgramModel withPrior(float[] p) {
        return new NgramModel(languages, p, floor, hanFold, keys, entryLanguages, entryDeltas, calibration);
    }
}
