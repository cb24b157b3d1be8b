package dev.kiln.inference.testing;

import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Collects one request's stream. */
public final class Collector implements GenerationListener {
    public final List<Integer> tokens = new ArrayList<>();
    public final StringBuilder text = new StringBuilder();
    public final List<String> deltas = new ArrayList<>();
    public final CompletableFuture<FinishReason> done = new CompletableFuture<>();
    public volatile int promptTokens, completionTokens;

    @Override
    public synchronized void onTokens(String t, int[] ids) {
        text.append(t);
        deltas.add(t);
        for (int id : ids) {
            tokens.add(id);
        }
    }

    @Override
    public synchronized void onFinish(String t, int[] ids, FinishReason reason, int prompt, int completion) {
        onTokens(t, ids);
        promptTokens = prompt;
        completionTokens = completion;
        done.complete(reason);
    }

    @Override
    public void onError(GenerationFailedException error) {
        done.completeExceptionally(error);
    }

    public FinishReason await() throws Exception {
        return done.get(60, TimeUnit.SECONDS);
    }

    public synchronized List<Integer> tokens() {
        return List.copyOf(tokens);
    }
}
