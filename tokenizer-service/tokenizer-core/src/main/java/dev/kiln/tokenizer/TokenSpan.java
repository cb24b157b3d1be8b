package dev.kiln.tokenizer;

/**
 * Where one token came from in the input: [charStart, charEnd) in UTF-16 chars and [byteStart, byteEnd)
 * in the input's UTF-8 bytes.
 *
 * <p>Byte spans are exact and tile the input. A token may hold only part of a character's UTF-8 bytes
 * (an emoji is often two tokens); its char span is then the whole character, as Hugging Face tokenizers
 * report it, so neighbouring char spans may overlap on that character.
 */
public record TokenSpan(int charStart, int charEnd, int byteStart, int byteEnd) {}
