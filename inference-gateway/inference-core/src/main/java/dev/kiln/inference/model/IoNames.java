package dev.kiln.inference.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Names of a decoder graph's inputs and outputs. Defaults follow Hugging Face Optimum
 * (input_ids, attention_mask, position_ids, past_key_values.N.key/value, logits, present.N.key/value);
 * an ONNX Runtime GenAI {@code genai_config.json} overrides them. Optional inputs
 * (position_ids, attention_mask, the merged decoder's use_cache_branch, transformers'
 * logits_to_keep — num_logits_to_keep before transformers 4.50) are null when the graph does not
 * have them; an input outside this set makes the graph unservable.
 */
public record IoNames(
        String inputIds,
        String attentionMask,
        String positionIds,
        String useCacheBranch,
        String logitsToKeep,
        List<String> pastKeys,
        List<String> pastValues,
        String logits,
        List<String> presentKeys,
        List<String> presentValues) {

    /**
     * transformers' count of last positions to compute logits for (0 = all), under its name since
     * 4.50 and the one before; the gateway feeds 1.
     */
    static final List<String> LOGITS_TO_KEEP = List.of("logits_to_keep", "num_logits_to_keep");

    /** Patterns (printf style, %d = layer) and plain names, before matching against a graph. */
    public record Template(
            String inputIds,
            String attentionMask,
            String positionIds,
            String pastKey,
            String pastValue,
            String logits,
            String presentKey,
            String presentValue) {

        public static Template optimum() {
            return new Template(
                    "input_ids",
                    "attention_mask",
                    "position_ids",
                    "past_key_values.%d.key",
                    "past_key_values.%d.value",
                    "logits",
                    "present.%d.key",
                    "present.%d.value");
        }
    }

    /**
     * Matches a template against the graph's input and output names.
     *
     * @throws IllegalArgumentException saying which required name is missing
     */
    public static IoNames resolve(Template t, Set<String> inputs, Set<String> outputs) {
        require(inputs, t.inputIds(), "input");
        require(outputs, t.logits(), "output");
        List<String> pk = new ArrayList<>(), pv = new ArrayList<>(), ok = new ArrayList<>(), ov = new ArrayList<>();
        for (int i = 0; inputs.contains(String.format(t.pastKey(), i)); i++) {
            pk.add(String.format(t.pastKey(), i));
            pv.add(require(inputs, String.format(t.pastValue(), i), "input"));
            ok.add(require(outputs, String.format(t.presentKey(), i), "output"));
            ov.add(require(outputs, String.format(t.presentValue(), i), "output"));
        }
        if (pk.isEmpty()) {
            throw new IllegalArgumentException("the graph has no key/value cache input named like '"
                    + String.format(t.pastKey(), 0) + "' (inputs: " + inputs + ")");
        }
        String mask = inputs.contains(t.attentionMask()) ? t.attentionMask() : null;
        String pos = inputs.contains(t.positionIds()) ? t.positionIds() : null;
        String branch = inputs.contains("use_cache_branch") ? "use_cache_branch" : null;
        List<String> keep = LOGITS_TO_KEEP.stream().filter(inputs::contains).toList();
        if (keep.size() > 1) {
            throw new IllegalArgumentException("the graph has both " + keep + "; export it with one");
        }
        Set<String> fed = new HashSet<>(pk);
        fed.addAll(pv);
        fed.addAll(keep);
        fed.addAll(Arrays.asList(t.inputIds(), mask, pos, branch));
        List<String> unfed =
                inputs.stream().filter(n -> !fed.contains(n)).sorted().toList();
        if (!unfed.isEmpty()) {
            // refused at load: ONNX Runtime would only say "missing input" at the first request
            throw new IllegalArgumentException("the graph needs inputs the gateway does not feed: " + unfed
                    + " (it feeds input ids, attention mask, position ids, the key/value cache and "
                    + "use_cache_branch, logits_to_keep); export the decoder without them");
        }
        return new IoNames(
                t.inputIds(),
                mask,
                pos,
                branch,
                keep.isEmpty() ? null : keep.get(0),
                List.copyOf(pk),
                List.copyOf(pv),
                t.logits(),
                List.copyOf(ok),
                List.copyOf(ov));
    }

    private static String require(Set<String> names, String name, String what) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException(
                    "the graph has no " + what + " '" + name + "' (" + what + "s: " + names + ")");
        }
        return name;
    }

    public int layers() {
        return pastKeys.size();
    }
}
