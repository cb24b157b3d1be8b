package dev.kiln.inference.model;

/**
 * What the scheduler needs to know about a decoder, read from the ONNX graph and config.json.
 *
 * @param layers      transformer blocks (pairs of past key/value inputs)
 * @param kvHeads     key/value heads per layer
 * @param headDim     channels per head
 * @param vocab       logits per position (may exceed the tokenizer's vocabulary when padded)
 * @param context     the longest sequence the model was built for
 * @param kvFloat16   whether the cache is fp16 (else fp32)
 */
public record ModelShape(int layers, int kvHeads, int headDim, int vocab, int context, boolean kvFloat16) {}
