package dev.kiln.tokenizer;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/** Token ids with the span of each in the input (see {@link TokenSpan}); spans are stored unboxed. */
public final class EncodedText {
    private final int[] ids;
    private final int[] spans; // 4 ints per token: charStart, charEnd, byteStart, byteEnd

    EncodedText(int[] ids, int[] spans) {
        this.ids = ids;
        this.spans = spans;
    }

    public int size() {
        return ids.length;
    }

    public int[] ids() {
        return ids.clone();
    }

    public int id(int index) {
        return ids[index];
    }

    public TokenSpan span(int index) {
        int b = index * 4;
        return new TokenSpan(spans[b], spans[b + 1], spans[b + 2], spans[b + 3]);
    }

    public List<TokenSpan> spans() {
        return new AbstractList<>() {
            @Override
            public TokenSpan get(int index) {
                return span(index);
            }

            @Override
            public int size() {
                return ids.length;
            }
        };
    }

    @Override
    public String toString() {
        return "EncodedText" + Arrays.toString(ids);
    }
}
