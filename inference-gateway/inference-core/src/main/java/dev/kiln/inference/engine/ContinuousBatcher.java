package dev.kiln.inference.engine;

import dev.kiln.inference.model.DecodeBatch;
import dev.kiln.inference.model.DecoderModel;
import dev.kiln.inference.sampling.Sampler;
import dev.kiln.inference.text.StopMatcher;
import dev.kiln.inference.text.TextTokenizer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Continuous batching for one model: a single scheduler thread owns the model's
 * {@link DecodeBatch} and loops: {@link #admit} queued requests into free slots (prompts of equal
 * length prefilled together, long ones in chunks between decode steps), {@link #step} all running requests with one model call,
 * {@link #sampleAndRetire} (stream each row's token, drop the finished and cancelled). Each request samples with its own {@link Sampler} (own seed), so its
 * output does not depend on its neighbours. A bounded queue in front rejects work when full.
 */
public final class ContinuousBatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ContinuousBatcher.class.getName());

    /**
     * @param maxBatch            requests decoding together at most
     * @param queueCapacity       requests waiting for a slot at most; more are rejected
     * @param prefillChunkTokens  prompt tokens prefilled between two decode steps while others
     *                            decode: a long prompt delays the running streams by one chunk a step
     */
    public record Config(int maxBatch, int queueCapacity, int prefillChunkTokens) {
        public static final int DEFAULT_PREFILL_CHUNK_TOKENS = 512;

        public Config {
            if (maxBatch < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("max batch and queue capacity must be >= 1");
            }
            if (prefillChunkTokens < 1) {
                throw new IllegalArgumentException(
                        "kiln.inference.prefill-chunk-tokens must be >= 1, is " + prefillChunkTokens);
            }
        }

        public Config(int maxBatch, int queueCapacity) {
            this(maxBatch, queueCapacity, DEFAULT_PREFILL_CHUNK_TOKENS);
        }
    }

    private final String name;
    private final DecoderModel model;
    private final TextTokenizer tokenizer;
    private final Set<Integer> eos;
    private final Config config;
    private final EngineMetrics metrics;
    private final int vocab, stride, context;
    private final ArrayBlockingQueue<Seq> queue;
    private final List<Seq> active = new ArrayList<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int activeCount;
    private final List<Seq> admitting = new ArrayList<>(); // polled, not yet active: failed too if the thread dies
    private final List<Seq> prefilling = new ArrayList<>(); // the group whose prompts are being prefilled
    private volatile boolean closing, drain;

    /**
     * @param vocab the tokenizer's vocabulary: tokens sampled are below it even when the model's
     *              logits are wider (padded embedding tables)
     */
    public ContinuousBatcher(
            String name,
            DecoderModel model,
            TextTokenizer tokenizer,
            int vocab,
            Set<Integer> eos,
            Config config,
            EngineMetrics metrics) {
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.eos = Set.copyOf(eos);
        this.config = config;
        this.metrics = metrics;
        this.stride = model.shape().vocab();
        this.vocab = Math.min(vocab, stride);
        this.context = model.shape().context();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.thread = new Thread(this::run, "kiln-batcher-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public int context() {
        return context;
    }

    public int running() {
        return activeCount;
    }

    public int queued() {
        return queue.size();
    }

    public Config config() {
        return config;
    }

    /**
     * Queues a request.
     *
     * @throws QueueFullException         when the queue is full
     * @throws ModelUnavailableException  when the batcher is shutting down (the model is being unloaded or replaced)
     */
    public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
        if (closing) {
            throw new ModelUnavailableException("model " + name + " is being unloaded or replaced; retry");
        }
        Seq s = new Seq(request, listener);
        if (!queue.offer(s)) {
            throw new QueueFullException("the queue of model " + name + " is full (" + config.queueCapacity()
                    + " waiting, " + activeCount + " running); retry later");
        }
        return s;
    }

    /** Stops taking requests; finishes queued and running ones first when {@code drain}, else cancels them. */
    public void shutdown(boolean drainFirst) {
        this.drain = drainFirst;
        this.closing = true;
    }

    /** Waits for the scheduler thread to end after {@link #shutdown}. */
    public boolean awaitTermination(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        shutdown(false);
        try {
            awaitTermination(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ scheduler thread
    // The fields below belong to the scheduler thread: the batch and its scratch arrays.

    private DecodeBatch batch;
    private float[] logits, first;
    private int[] tokens;
    private int[][] prefillPrompts; // prompts of the prefilling group
    private int prefilled; // positions of them already prefilled
    private boolean[] keep;

    /** The scheduler: admit queued requests, advance everyone by one token, retire whoever finished; repeat. */
    private void run() {
        batch = model.newBatch(config.maxBatch());
        logits = new float[config.maxBatch() * stride];
        first = new float[config.maxBatch() * stride];
        tokens = new int[config.maxBatch()];
        keep = new boolean[config.maxBatch()];
        try {
            while (true) {
                if (closing && !drain) {
                    endAll(Seq::finishCancelled);
                    break;
                }
                admit();
                activeCount = active.size();
                if (active.isEmpty()) {
                    if (closing && queue.isEmpty() && admitting.isEmpty() && prefilling.isEmpty()) {
                        break;
                    }
                    continue;
                }
                int rows = active.size();
                if (step(rows)) {
                    sampleAndRetire(rows);
                }
                activeCount = active.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endAll(Seq::finishCancelled);
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "scheduler of " + name + " died", t);
            endAll(s -> s.fail(t));
        } finally {
            activeCount = 0;
            batch.close();
            stopped.countDown();
        }
    }

    /**
     * Moves queued requests into free slots and prefills them: prompts of equal length together,
     * in chunks. While other requests decode, at most {@code prefillChunkTokens} prompt tokens are
     * prefilled before the next decode step; with nobody decoding, prefill runs to the end.
     * Waits briefly for work only when nothing runs.
     */
    private void admit() throws InterruptedException {
        int free = config.maxBatch() - active.size() - prefilling.size();
        while (admitting.size() < free) {
            boolean idle = active.isEmpty() && admitting.isEmpty() && prefilling.isEmpty();
            Seq s = idle ? queue.poll(20, TimeUnit.MILLISECONDS) : queue.poll();
            if (s == null) {
                break;
            }
            if (s.cancelled) {
                s.finishCancelled();
                continue;
            }
            admitting.add(s);
        }
        int budget = config.prefillChunkTokens();
        while (active.isEmpty() || budget > 0) {
            if (prefilling.isEmpty() && !nextGroup()) {
                return;
            }
            int rows = prefilling.size(), length = prefillPrompts[0].length;
            int chunk = active.isEmpty() ? length - prefilled : Math.max(1, budget / rows);
            int to = Math.min(length, prefilled + chunk);
            budget -= rows * (to - prefilled);
            prefillChunk(to);
        }
    }

    /** Takes the oldest admitted request and those of its prompt length as the next prefill group. */
    private boolean nextGroup() {
        if (admitting.isEmpty()) {
            return false;
        }
        int length = admitting.get(0).request.prompt().length;
        int rows = batch.prefillRows(length);
        for (var it = admitting.iterator(); it.hasNext() && prefilling.size() < rows; ) {
            Seq s = it.next();
            if (s.request.prompt().length == length) {
                prefilling.add(s);
                it.remove();
            }
        }
        prefillPrompts = new int[prefilling.size()][];
        for (int i = 0; i < prefillPrompts.length; i++) {
            prefillPrompts[i] = prefilling.get(i).request.prompt();
        }
        prefilled = 0;
        return true;
    }

    /**
     * One decode call for all {@code rows} running requests. A failure fails them all and starts
     * a fresh batch (the cache is no longer trustworthy); then false.
     */
    private boolean step(int rows) {
        for (int i = 0; i < rows; i++) {
            tokens[i] = active.get(i).lastToken;
        }
        long t0 = System.nanoTime();
        try {
            batch.step(tokens, logits);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "decode step failed on " + name, e);
            active.forEach(s -> s.fail(e));
            active.clear();
            batch.close();
            batch = model.newBatch(config.maxBatch());
            return false;
        }
        metrics.decodeStep(name, rows, System.nanoTime() - t0);
        return true;
    }

    /** Samples and streams each row's next token, then drops the rows that finished or were cancelled. */
    private void sampleAndRetire(int rows) {
        boolean changed = false;
        for (int i = 0; i < rows; i++) {
            Seq s = active.get(i);
            if (s.cancelled) {
                s.finishCancelled();
                keep[i] = false;
            } else {
                try {
                    keep[i] = !emit(s, s.sampler.next(logits, i * stride));
                } catch (RuntimeException e) { // this request's problem only (e.g. an undecodable id)
                    LOG.log(Level.ERROR, "request failed on " + name, e);
                    s.fail(e);
                    keep[i] = false;
                }
            }
            changed |= !keep[i];
        }
        metrics.tokensGenerated(name, rows);
        if (!changed) {
            return;
        }
        batch.retain(keep);
        List<Seq> still = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            if (keep[i]) {
                still.add(active.get(i));
            }
        }
        active.clear();
        active.addAll(still);
    }

    /**
     * Prefills the current group up to position {@code to}; at the end of the prompts streams
     * their first tokens and adds the unfinished ones to the batch.
     */
    private void prefillChunk(int to) {
        List<Seq> group = List.copyOf(prefilling);
        try {
            batch.prefill(prefillPrompts, prefilled, to, first);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "prefill failed on " + name, e);
            prefilling.clear();
            group.forEach(s -> s.fail(e));
            return;
        }
        prefilled = to;
        if (to < prefillPrompts[0].length) {
            return;
        }
        prefilling.clear();
        for (int i = 0; i < group.size(); i++) {
            Seq s = group.get(i);
            boolean finished;
            try {
                finished = emit(s, s.sampler.next(first, i * stride));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "request failed on " + name, e);
                s.fail(e);
                finished = true;
            }
            if (!finished) {
                batch.appendPrefilled(i);
                active.add(s);
            }
        }
    }

    /** Ends every request the batcher holds: admitting, running and queued. */
    private void endAll(Consumer<Seq> end) {
        prefilling.forEach(end);
        prefilling.clear();
        admitting.forEach(end);
        admitting.clear();
        active.forEach(end);
        active.clear();
        Seq s;
        while ((s = queue.poll()) != null) {
            end.accept(s);
        }
    }

    /** Streams one new token of a request; returns true when the request is finished. */
    private boolean emit(Seq s, int token) {
        long now = System.nanoTime();
        s.generated++;
        if (s.generated == 1) {
            metrics.timeToFirstToken(name, now - s.submitted);
        } else {
            metrics.interTokenLatency(name, now - s.lastAt);
        }
        s.lastAt = now;
        s.lastToken = token;
        s.sampler.observe(token);
        int[] ids = {token};
        if (!s.request.ignoreEos() && eos.contains(token)) {
            s.finish(s.drainText(), ids, FinishReason.EOS);
            return true;
        }
        String out = s.stop.push(s.decoder.push(token));
        if (s.stop.stopped()) {
            s.finish(out, ids, FinishReason.STOP);
            return true;
        }
        if (s.generated >= s.request.maxNewTokens() || s.request.prompt().length + s.generated >= context) {
            String rest = s.drainText();
            s.finish(out + rest, ids, s.stop.stopped() ? FinishReason.STOP : FinishReason.LENGTH);
            return true;
        }
        s.listener.onTokens(out, ids);
        return false;
    }

    private final class Seq implements GenerationHandle {
        final GenerationRequest request;
        final GenerationListener listener;
        final Sampler sampler;
        final TextTokenizer.StreamDecoder decoder;
        final StopMatcher stop;
        final long submitted = System.nanoTime();
        volatile boolean cancelled;
        private boolean done;
        int generated, lastToken;
        long lastAt;

        Seq(GenerationRequest request, GenerationListener listener) {
            this.request = request;
            this.listener = listener;
            this.sampler = new Sampler(request.sampling(), vocab);
            this.sampler.observeAll(request.prompt());
            this.decoder = tokenizer.streamDecoder();
            this.stop = new StopMatcher(request.stop());
        }

        /** Text still inside the decoder and the stop matcher at the end. */
        String drainText() {
            String a = stop.push(decoder.finish());
            return stop.stopped() ? a : a + stop.flush();
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (queue.remove(this)) {
                finishCancelled();
            }
        }

        synchronized void finish(String text, int[] ids, FinishReason reason) {
            if (done) {
                return;
            }
            done = true;
            metrics.finished(name, reason);
            try {
                listener.onFinish(text, ids, reason, request.prompt().length, generated);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "listener failed", e);
            }
        }

        void finishCancelled() {
            finish("", new int[0], FinishReason.CANCELLED);
        }

        synchronized void fail(Throwable t) {
            if (done) {
                return;
            }
            done = true;
            listener.onError(t instanceof GenerationFailedException g ? g : new GenerationFailedException(t));
        }
    }
}
