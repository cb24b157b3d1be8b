package dev.kiln.inference.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.numerics.Half;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Continuous-batching state over one ONNX Runtime session.
 *
 * <p>Why one class of ~650 lines: the buffer layout [batch, kv_heads, past, head_dim], the shared
 * past length and the per-row lengths are one invariant that prefill, step, the row copies and the
 * tensor views over the buffers all read and update together; split, each half would have to
 * trust the other's bookkeeping of the same offsets. The parts are marked by section comments.
 * Which positions the logits hold is {@link LogitsOutput}'s to know; this class only binds the
 * buffer it describes and reads each row's last position from it.
 *
 * <p>The cache of all rows lives in two sets of preallocated direct buffers, one buffer per
 * layer and key/value, laid out as the graph wants it: [batch, kv_heads, past, head_dim]. A step
 * reads the past from one set and ONNX Runtime writes the present (past + 1 position) straight
 * into the other through pinned output tensors; then the two swap. No cache data is copied in
 * Java and nothing is allocated per step except the small tensor handles over those buffers.
 *
 * <p>All rows share one past length P, so shorter rows are left-padded: their first
 * P - length positions are zeros that the attention mask hides, and position_ids carry each
 * row's true position. Joining rows are prefilled together, left-padded to the longest prompt
 * of their group (the padding is masked and dropped when they join), in chunks of positions on top of their own growing cache
 * (so a long prompt can be interleaved with decode steps), and then copied in right-aligned. A
 * leaving row's place is taken by the last row (one row's cache copied, not the batch's); when
 * padding has grown to a quarter of the shared length, a compaction into the other buffer set
 * drops the columns no row needs any more. Those copies happen only when the batch changes.
 */
final class OrtDecodeBatch implements DecodeBatch {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16);
    /** Logits one prefill call may produce; longer chunks are split into several calls. */
    private static final long PREFILL_LOGITS_CAP = 64L << 20;

    private final OrtDecoderModel model;
    private final ModelShape s;
    private final IoNames io;
    private final int maxBatch, es, layers2, rowUnit; // rowUnit = bytes of one position of one head
    private final OnnxJavaType kvType;
    private final LogitsOutput logitsOut;

    private ByteBuffer[] cur, next; // [2 * layers]: key of layer l at 2l, value at 2l+1
    private long capBytes; // bytes each buffer holds; the layout inside is always compact [B, H, P, D]
    private int size, past;
    private final int[] length; // real tokens in each row's cache

    // Cache of the prompts being prefilled, [rows, H, done, D]; a chunk reads one set, writes the other.
    private ByteBuffer[] pre = new ByteBuffer[0], preNext = new ByteBuffer[0];
    private int preRows, preLen = -1, preDone; // preLen: the longest prompt's length; preDone: positions cached
    private int[] prePad = new int[0]; // left padding of each prefilling row: preLen - its prompt's length

    private ByteBuffer logitsBuf;
    private LongBuffer ids, pos, mask;
    private final OnnxTensor cacheBranchTrue, cacheBranchFalse;
    /** 1 for a graph with transformers' logits_to_keep: only the sampled position is computed. */
    private final OnnxTensor keepOne;

    OrtDecodeBatch(OrtDecoderModel model, int maxBatch) {
        this.model = model;
        this.s = model.shape();
        this.io = model.io();
        this.maxBatch = maxBatch;
        this.es = s.kvFloat16() ? 2 : 4;
        this.kvType = s.kvFloat16() ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
        this.layers2 = 2 * s.layers();
        this.rowUnit = s.headDim() * es;
        this.length = new int[maxBatch];
        this.logitsOut = model.logits();
        this.cur = new ByteBuffer[layers2];
        this.next = new ByteBuffer[layers2];
        allocate((long) s.kvHeads() * Math.min(64, s.context()) * rowUnit);
        this.ids = directLongs(Math.max(maxBatch, 16));
        this.pos = directLongs(Math.max(maxBatch, 16));
        try {
            cacheBranchTrue =
                    io.useCacheBranch() == null ? null : OnnxTensor.createTensor(model.env(), new boolean[] {true});
            cacheBranchFalse =
                    io.useCacheBranch() == null ? null : OnnxTensor.createTensor(model.env(), new boolean[] {false});
            keepOne = model.logitsToKeep() == null ? null : keepOne(model);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The count 1 in the type and rank (scalar or [1]) the graph declares for logits_to_keep. */
    private static OnnxTensor keepOne(OrtDecoderModel m) throws OrtException {
        ai.onnxruntime.TensorInfo t = m.logitsToKeep();
        boolean scalar = t.getShape().length == 0;
        Object one = t.type == OnnxJavaType.INT32
                ? (scalar ? (Object) Integer.valueOf(1) : new int[] {1})
                : (scalar ? (Object) Long.valueOf(1) : new long[] {1});
        return OnnxTensor.createTensor(m.env(), one);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int length(int row) {
        return length[row];
    }

    /** Current shared past length (with padding); for tests and metrics. */
    int past() {
        return past;
    }

    // ---------------------------------------------------------------- prefill

    @Override
    public void prefill(int[] prompt, float[] logits) {
        prefill(new int[][] {prompt}, 0, prompt.length, logits);
    }

    /**
     * Prompts prefilled together share one chunk schedule; their cache is capped near 256 MiB a
     * layer and one position of all of them must fit the logits cap, so long prompts go alone.
     */
    @Override
    public int prefillRows(int length) {
        long kvPerRow = (long) s.kvHeads() * length * rowUnit;
        long logitsPerRow = (long) s.vocab() * logitsOut.bytesPerLogit();
        long rows = Math.min((256L << 20) / Math.max(1, kvPerRow), PREFILL_LOGITS_CAP / logitsPerRow);
        return (int) Math.max(1, Math.min(maxBatch, rows));
    }

    @Override
    public void prefill(int[][] prompts, int from, int to, float[] logits) {
        int n = prompts.length, t = 0;
        for (int[] p : prompts) {
            if (p.length == 0 || p.length > s.context()) {
                throw new IllegalArgumentException("prompt of " + p.length + " tokens for a context of " + s.context());
            }
            t = Math.max(t, p.length);
        }
        if (from < 0 || to <= from || to > t) {
            throw new IllegalArgumentException("chunk [" + from + ", " + to + ") of a prompt of " + t);
        }
        if (from == 0) {
            ensurePrefillCapacity((long) n * s.kvHeads() * t * rowUnit);
            preLen = t;
            preRows = n;
            preDone = 0;
            prePad = new int[n];
            for (int r = 0; r < n; r++) {
                prePad[r] = t - prompts[r].length;
            }
        } else if (from != preDone || preLen != t || preRows != n) {
            throw new IllegalStateException("chunk from " + from + " does not continue the prefill at " + preDone);
        }
        // A graph that computes logits for every position (or may: not yet known) gets calls of at
        // most as many positions as fit the logits cap, so no buffer grows with the prompt and
        // offsets stay within an int; one that gives the last position only takes the chunk whole.
        for (int a = from; a < to; ) {
            int perCall = logitsOut.lastOnly()
                    ? to - a
                    : (int) Math.max(1, PREFILL_LOGITS_CAP / ((long) n * s.vocab() * logitsOut.bytesPerLogit()));
            int b = Math.min(to, a + perCall);
            prefillCall(prompts, a, b, logits);
            a = b;
        }
    }

    /** One model call: positions [a, b) of every prompt on top of the pre cache of [0, a). */
    private void prefillCall(int[][] prompts, int a, int b, float[] logits) {
        int n = prompts.length, c = b - a, nc = n * c;
        LongBuffer pIds = ensureLongs(nc, true);
        LongBuffer pPos = ensureLongs(nc, false);
        ensureMask(n * b);
        for (int r = 0; r < n; r++) {
            int pad = prePad[r];
            for (int i = 0; i < c; i++) { // padding positions: token 0 at position 0, masked out
                int at = a + i - pad;
                pIds.put(r * c + i, at < 0 ? 0 : prompts[r][at]);
                pPos.put(r * c + i, Math.max(0, at));
            }
            for (int j = 0; j < b; j++) {
                mask.put(r * b + j, j < pad ? 0L : 1L);
            }
        }
        boolean bound = logitsOut.known(c);
        int kept = logitsOut.positionsOut(c); // positions per row in the logits buffer
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> in = new HashMap<>();
            long[] tokShape = {n, c};
            in.put(io.inputIds(), track(owned, OnnxTensor.createTensor(model.env(), slice(pIds, nc), tokShape)));
            if (io.attentionMask() != null) {
                in.put(
                        io.attentionMask(),
                        track(owned, OnnxTensor.createTensor(model.env(), slice(mask, n * b), new long[] {n, b})));
            }
            if (io.positionIds() != null) {
                in.put(io.positionIds(), track(owned, OnnxTensor.createTensor(model.env(), slice(pPos, nc), tokShape)));
            }
            OnnxTensor branch = a == 0 ? cacheBranchFalse : cacheBranchTrue;
            if (branch != null) {
                in.put(io.useCacheBranch(), branch);
            }
            if (keepOne != null) {
                in.put(io.logitsToKeep(), keepOne);
            }
            long[] pastShape = {n, s.kvHeads(), a, s.headDim()};
            long[] presentShape = {n, s.kvHeads(), b, s.headDim()};
            long pastBytes = (long) n * s.kvHeads() * a * rowUnit;
            long presentBytes = (long) n * s.kvHeads() * b * rowUnit;
            Map<String, OnnxValue> out = new HashMap<>();
            for (int l = 0; l < s.layers(); l++) {
                for (int kv = 0; kv < 2; kv++) {
                    String pastName =
                            kv == 0 ? io.pastKeys().get(l) : io.pastValues().get(l);
                    String presName = kv == 0
                            ? io.presentKeys().get(l)
                            : io.presentValues().get(l);
                    in.put(pastName, track(owned, kvTensor(pre[2 * l + kv], pastBytes, pastShape)));
                    out.put(presName, track(owned, kvTensor(preNext[2 * l + kv], presentBytes, presentShape)));
                }
            }
            if (bound) {
                ensureLogits((long) n * kept * s.vocab());
                out.put(io.logits(), track(owned, logitsTensor((long) n * kept * s.vocab(), logitsOut.shape(n, c))));
            }
            try (OrtSession.Result r = run(in, out, bound)) {
                if (!bound) {
                    kept = takeLogits(r, n, c);
                }
            }
            if (b == preLen) {
                for (int r = 0; r < n; r++) {
                    readLogits((long) (r * kept + kept - 1) * s.vocab(), logits, r * s.vocab(), s.vocab());
                }
            }
        } catch (OrtException e) {
            preLen = -1;
            throw new IllegalStateException("prefill failed: " + e.getMessage(), e);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
        ByteBuffer[] t = pre;
        pre = preNext;
        preNext = t;
        preDone = b;
    }

    /** Both prefill buffer sets hold at least {@code bytes}; they grow geometrically up to the batch's cache. */
    private void ensurePrefillCapacity(long bytes) {
        if (pre.length > 0 && pre[0].capacity() >= bytes) {
            return;
        }
        long grown = pre.length == 0
                ? 0
                : Math.min(2L * pre[0].capacity(), (long) maxBatch * s.kvHeads() * s.context() * rowUnit);
        long size = Math.max(bytes, grown);
        pre = new ByteBuffer[layers2];
        preNext = new ByteBuffer[layers2];
        for (int i = 0; i < layers2; i++) {
            pre[i] = direct(size);
            preNext[i] = direct(size);
        }
    }

    @Override
    public void appendPrefilled() {
        appendPrefilled(0);
    }

    @Override
    public void appendPrefilled(int row) {
        if (preLen < 0 || preDone != preLen || row < 0 || row >= preRows) {
            throw new IllegalStateException("row " + row + " was not prefilled");
        }
        if (size == maxBatch) {
            throw new IllegalStateException("batch full");
        }
        int t = preLen - prePad[row];
        if (size == 0) {
            past = t;
        } else if (t > past) {
            relayout(null, t);
        }
        ensureCapacity(size + 1, past);
        int h = s.kvHeads();
        int pad = past - t;
        for (int i = 0; i < layers2; i++) {
            ByteBuffer dst = cur[i];
            for (int head = 0; head < h; head++) {
                int base = ((size * h + head) * past) * rowUnit;
                zero(dst, base, pad * rowUnit);
                int src = ((row * h + head) * preLen + prePad[row]) * rowUnit;
                dst.put(base + pad * rowUnit, pre[i], src, t * rowUnit);
            }
        }
        length[size++] = t;
    }

    // ---------------------------------------------------------------- decode

    @Override
    public void step(int[] tokens, float[] logits) {
        int b = size;
        if (b == 0) {
            return;
        }
        if (past + 1 > s.context()) {
            // Only padding can push the shared length past the context: drop the columns no row uses.
            relayout(null, maxLength());
        }
        ensureCapacity(b, past + 1);
        int p1 = past + 1;
        ensureMask(b * p1);
        for (int r = 0; r < b; r++) {
            ids.put(r, tokens[r]);
            pos.put(r, length[r]);
            int pad = past - length[r];
            int base = r * p1;
            for (int j = 0; j < pad; j++) {
                mask.put(base + j, 0L);
            }
            for (int j = pad; j < p1; j++) {
                mask.put(base + j, 1L);
            }
        }
        boolean bound = logitsOut.known(1);
        List<OnnxTensor> owned = new ArrayList<>(4 * s.layers() + 4);
        try {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put(io.inputIds(), track(owned, OnnxTensor.createTensor(model.env(), slice(ids, b), new long[] {b, 1})));
            if (io.attentionMask() != null) {
                in.put(
                        io.attentionMask(),
                        track(owned, OnnxTensor.createTensor(model.env(), slice(mask, b * p1), new long[] {b, p1})));
            }
            if (io.positionIds() != null) {
                in.put(io.positionIds(), track(owned, OnnxTensor.createTensor(model.env(), slice(pos, b), new long[] {
                    b, 1
                })));
            }
            if (cacheBranchTrue != null) {
                in.put(io.useCacheBranch(), cacheBranchTrue);
            }
            if (keepOne != null) {
                in.put(io.logitsToKeep(), keepOne);
            }
            long[] pastShape = {b, s.kvHeads(), past, s.headDim()};
            long[] presShape = {b, s.kvHeads(), p1, s.headDim()};
            long pastBytes = (long) b * s.kvHeads() * past * rowUnit;
            long presBytes = (long) b * s.kvHeads() * p1 * rowUnit;
            Map<String, OnnxValue> out = new HashMap<>();
            for (int l = 0; l < s.layers(); l++) {
                in.put(io.pastKeys().get(l), track(owned, kvTensor(cur[2 * l], pastBytes, pastShape)));
                in.put(io.pastValues().get(l), track(owned, kvTensor(cur[2 * l + 1], pastBytes, pastShape)));
                out.put(io.presentKeys().get(l), track(owned, kvTensor(next[2 * l], presBytes, presShape)));
                out.put(io.presentValues().get(l), track(owned, kvTensor(next[2 * l + 1], presBytes, presShape)));
            }
            if (bound) {
                ensureLogits((long) b * s.vocab());
                out.put(io.logits(), track(owned, logitsTensor((long) b * s.vocab(), logitsOut.shape(b, 1))));
            }
            try (OrtSession.Result r = run(in, out, bound)) {
                if (!bound) {
                    takeLogits(r, b, 1);
                }
            }
            readLogits(0, logits, 0, b * s.vocab());
        } catch (OrtException e) {
            throw new IllegalStateException("decode step failed: " + e.getMessage(), e);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
        swap();
        past = p1;
        for (int r = 0; r < b; r++) {
            length[r]++;
        }
    }

    /**
     * Rows leave without moving the others: each freed place below the new size takes one of the
     * last rows, so a departure copies the departing rows' worth of cache, not the whole batch.
     * Only when a quarter or more of the shared length is padding in every kept row does a
     * compaction copy all kept rows (in order) into the other buffer set, dropping those columns.
     */
    @Override
    public int[] retain(boolean[] keep) {
        int kept = 0, maxLen = 0;
        for (int r = 0; r < size; r++) {
            if (keep[r]) {
                kept++;
                maxLen = Math.max(maxLen, length[r]);
            }
        }
        int[] from = new int[kept];
        if (kept == 0) {
            size = 0;
            past = 0;
            return from;
        }
        if (kept < size && past - maxLen >= Math.max(8, past / 4)) {
            for (int r = 0, k = 0; r < size; r++) {
                if (keep[r]) {
                    from[k++] = r;
                }
            }
            relayout(keep, maxLen);
            return from;
        }
        for (int r = 0; r < kept; r++) {
            from[r] = r;
        }
        int mover = size - 1;
        for (int hole = 0; hole < kept; hole++) {
            if (keep[hole]) {
                continue;
            }
            while (!keep[mover]) {
                mover--;
            }
            moveRow(mover, hole);
            from[hole] = mover--;
        }
        size = kept;
        return from;
    }

    /** Copies row {@code src}'s cache over row {@code dst} in the current buffer set. */
    private void moveRow(int src, int dst) {
        int rowBytes = s.kvHeads() * past * rowUnit;
        for (int i = 0; i < layers2; i++) {
            cur[i].put(dst * rowBytes, cur[i].duplicate(), src * rowBytes, rowBytes);
        }
        length[dst] = length[src];
    }

    private int maxLength() {
        int m = 0;
        for (int r = 0; r < size; r++) {
            m = Math.max(m, length[r]);
        }
        return m;
    }

    /** Copies the kept rows (all when keep is null) into the other buffer set with a new shared length. */
    private void relayout(boolean[] keep, int newPast) {
        int rows = 0;
        for (int r = 0; r < size; r++) {
            rows += keep == null || keep[r] ? 1 : 0;
        }
        ensureCapacity(rows, newPast);
        int h = s.kvHeads();
        int nb = 0;
        for (int r = 0; r < size; r++) {
            if (keep != null && !keep[r]) {
                continue;
            }
            int len = length[r];
            int newPad = newPast - len, oldPad = past - len;
            for (int i = 0; i < layers2; i++) {
                for (int head = 0; head < h; head++) {
                    int src = ((r * h + head) * past + oldPad) * rowUnit;
                    int dst = ((nb * h + head) * newPast) * rowUnit;
                    zero(next[i], dst, newPad * rowUnit);
                    next[i].put(dst + newPad * rowUnit, cur[i], src, len * rowUnit);
                }
            }
            length[nb++] = len;
        }
        size = nb;
        past = newPast;
        swap();
    }

    private void swap() {
        ByteBuffer[] t = cur;
        cur = next;
        next = t;
    }

    // ---------------------------------------------------------------- logits

    /**
     * Runs the graph with every output written into our buffers; while the logits' shape for
     * this call is not known, ONNX Runtime allocates that one output instead and
     * {@link #takeLogits} reads it.
     */
    private OrtSession.Result run(Map<String, OnnxTensor> in, Map<String, OnnxValue> pinned, boolean bound)
            throws OrtException {
        return bound ? model.session().run(in, pinned) : model.session().run(in, Set.of(io.logits()), pinned);
    }

    /**
     * Learns the logits layout from a result ONNX Runtime allocated and copies it into the logits
     * buffer as a bound call would have left it (once per model and kind of call).
     *
     * @return the positions per row it holds
     */
    private int takeLogits(OrtSession.Result r, int rows, int positions) {
        OnnxValue v = r.get(io.logits()).orElseThrow();
        if (!(v instanceof OnnxTensor t)) {
            throw new IllegalStateException("the graph's output '" + io.logits() + "' is not a tensor");
        }
        logitsOut.learn(t.getInfo().getShape(), rows, positions);
        ByteBuffer bytes = t.getByteBuffer();
        ensureLogits(bytes.remaining() / logitsOut.bytesPerLogit());
        logitsBuf.put(0, bytes, 0, bytes.remaining());
        return logitsOut.positionsOut(positions);
    }

    // ---------------------------------------------------------------- buffers

    /**
     * Makes both buffer sets hold rows x positions, keeping the current contents. Grows
     * geometrically, so a growing batch reallocates O(log) times; a batch that stays small never
     * pays for max-batch-sized buffers.
     */
    private void ensureCapacity(int rows, int positions) {
        long need = (long) rows * s.kvHeads() * positions * rowUnit;
        if (need <= capBytes) {
            return;
        }
        long limit = (long) maxBatch * s.kvHeads() * (s.context() + 1) * rowUnit;
        long bytes = Math.max(need, Math.min(capBytes * 2, limit));
        ByteBuffer[] oldCur = cur;
        long used = (long) size * s.kvHeads() * past * rowUnit;
        allocate(bytes);
        for (int i = 0; i < layers2; i++) {
            if (oldCur[i] != null && used > 0) {
                cur[i].put(0, oldCur[i], 0, (int) used);
            }
        }
    }

    private void allocate(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("cache of " + bytes + " bytes per layer exceeds 2 GiB: lower max batch");
        }
        ByteBuffer[] c = new ByteBuffer[layers2], n = new ByteBuffer[layers2];
        for (int i = 0; i < layers2; i++) {
            c[i] = direct(bytes);
            n[i] = direct(bytes);
        }
        cur = c;
        next = n;
        capBytes = bytes;
    }

    private void ensureMask(int n) {
        if (mask == null || mask.capacity() < n) {
            mask = directLongs(Math.max(n, mask == null ? 0 : mask.capacity() * 2));
        }
    }

    private LongBuffer ensureLongs(int n, boolean isIds) {
        LongBuffer b = isIds ? ids : pos;
        if (b.capacity() < n) {
            b = directLongs(Math.max(n, b.capacity() * 2));
            if (isIds) {
                ids = b;
            } else {
                pos = b;
            }
        }
        return b;
    }

    private void ensureLogits(long elements) {
        long bytes = elements * logitsOut.bytesPerLogit();
        if (logitsBuf == null || logitsBuf.capacity() < bytes) {
            long want = Math.max(bytes, (long) maxBatch * s.vocab() * logitsOut.bytesPerLogit());
            logitsBuf = direct(want);
        }
    }

    private OnnxTensor logitsTensor(long elements, long[] shape) throws OrtException {
        long bytes = elements * logitsOut.bytesPerLogit();
        ByteBuffer v = view(logitsBuf, bytes);
        return logitsOut.float16()
                ? OnnxTensor.createTensor(model.env(), v.asShortBuffer(), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(model.env(), v.asFloatBuffer(), shape);
    }

    private void readLogits(long fromElement, float[] dst, int off, int n) {
        if (!logitsOut.float16()) {
            FloatBuffer f = logitsBuf.asFloatBuffer();
            f.get((int) fromElement, dst, off, n);
        } else {
            ShortBuffer sb = logitsBuf.asShortBuffer();
            for (int i = 0; i < n; i++) {
                dst[off + i] = Half.toFloat(sb.get((int) fromElement + i));
            }
        }
    }

    private OnnxTensor kvTensor(ByteBuffer buf, long bytes, long[] shape) throws OrtException {
        ByteBuffer v = view(buf, bytes);
        return s.kvFloat16()
                ? OnnxTensor.createTensor(model.env(), v.asShortBuffer(), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(model.env(), v.asFloatBuffer(), shape);
    }

    private static ByteBuffer view(ByteBuffer buf, long bytes) {
        return buf.duplicate().clear().limit((int) bytes).slice().order(ByteOrder.nativeOrder());
    }

    private static LongBuffer slice(LongBuffer b, int n) {
        return b.duplicate().clear().limit(n).slice();
    }

    private static OnnxTensor track(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    private static void zero(ByteBuffer dst, int at, int bytes) {
        while (bytes > 0) {
            int n = Math.min(bytes, ZEROS.capacity());
            dst.put(at, ZEROS, 0, n);
            at += n;
            bytes -= n;
        }
    }

    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect((int) Math.max(bytes, 0)).order(ByteOrder.nativeOrder());
    }

    private static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    @Override
    public void close() {
        if (cacheBranchTrue != null) {
            cacheBranchTrue.close();
            cacheBranchFalse.close();
        }
        if (keepOne != null) {
            keepOne.close();
        }
        size = 0;
    }
}
