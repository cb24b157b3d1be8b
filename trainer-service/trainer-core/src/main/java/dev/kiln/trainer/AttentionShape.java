package dev.kiln.trainer;

/**
 * The geometry of one {@link FlashAttention}: batch B, sequence T, NH query heads, NKV key/value
 * heads of size hs, and what the forward and backward passes derive from them, computed here once
 * so the two passes cannot disagree. A class with fields rather than a record, so the kernels read
 * {@code g.hsp} like the locals they replace and nothing is recomputed per call.
 */
public final class AttentionShape {
    public final int B, T, NH, NKV, hs;
    /** Width of an output row, NH·hs. */
    public final int C;
    /** Width of a qkv row: NH query heads, then NKV key heads, then NKV value heads. */
    public final int qkvStride;
    /** Query heads per key/value head: query head h reads key/value head h / group (HF's repeat_kv order). */
    public final int group;
    /** T rounded up to whole blocks, and hs to whole vectors: the gathered operands' row count and row length. */
    final int Tp, hsp;
    /** The score scale 1/√hs. */
    final float scale;

    public AttentionShape(int B, int T, int NH, int NKV, int hs) {
        if (B < 1 || T < 1 || NH < 1 || NKV < 1 || hs < 1 || NH % NKV != 0) {
            throw new IllegalArgumentException("attention shape B" + B + " T" + T + " NH" + NH + " NKV" + NKV + " hs"
                    + hs + ": all must be >= 1 and NKV must divide NH");
        }
        this.B = B;
        this.T = T;
        this.NH = NH;
        this.NKV = NKV;
        this.hs = hs;
        this.C = NH * hs;
        this.qkvStride = (NH + 2 * NKV) * hs;
        this.group = NH / NKV;
        this.Tp = roundUp(T, FlashAttention.BLOCK);
        this.hsp = roundUp(hs, Vec.L);
        this.scale = (float) (1.0 / Math.sqrt(hs));
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
