package dev.kiln.tokenizer;

import java.util.Collection;
import java.util.Set;

/**
 * What {@link Encoding#encode(String, SpecialTokenPolicy)} does with special-token text such as
 * {@code <|endoftext|>} found in the input, with tiktoken's semantics:
 * <ul>
 *   <li>allowed: encoded as the special token's id;</li>
 *   <li>disallowed: the call fails with {@link DisallowedSpecialTokenException} naming the token
 *       (protects against prompt text smuggling control tokens in);</li>
 *   <li>neither: encoded as ordinary text.</li>
 * </ul>
 * tiktoken's default ({@link #disallowAll()}) allows none and disallows all.
 */
public final class SpecialTokenPolicy {
    private static final SpecialTokenPolicy ALLOW_ALL = new SpecialTokenPolicy(null, Set.of(), true, false);
    private static final SpecialTokenPolicy DISALLOW_ALL = new SpecialTokenPolicy(Set.of(), null, false, true);
    private static final SpecialTokenPolicy AS_TEXT = new SpecialTokenPolicy(Set.of(), Set.of(), false, false);

    private final Set<String> allowed;
    private final Set<String> disallowed;
    private final boolean allowAll;
    private final boolean disallowRest;

    private SpecialTokenPolicy(Set<String> allowed, Set<String> disallowed, boolean allowAll, boolean disallowRest) {
        this.allowed = allowed;
        this.disallowed = disallowed;
        this.allowAll = allowAll;
        this.disallowRest = disallowRest;
    }

    /** Every special token is encoded as its id. */
    public static SpecialTokenPolicy allowAll() {
        return ALLOW_ALL;
    }

    /** tiktoken's default: special-token text in the input is an error. */
    public static SpecialTokenPolicy disallowAll() {
        return DISALLOW_ALL;
    }

    /** Special-token text is plain text (tiktoken's {@code encode_ordinary}). */
    public static SpecialTokenPolicy treatAsText() {
        return AS_TEXT;
    }

    /** These are encoded as ids; every other special token is an error. */
    public static SpecialTokenPolicy allow(Collection<String> tokens) {
        return new SpecialTokenPolicy(Set.copyOf(tokens), null, false, true);
    }

    /** These are encoded as ids, those are errors, and any other special token is plain text. */
    public static SpecialTokenPolicy of(Collection<String> allowed, Collection<String> disallowed) {
        Set<String> a = Set.copyOf(allowed);
        for (String d : disallowed) {
            if (a.contains(d)) {
                throw new IllegalArgumentException("special token both allowed and disallowed: " + d);
            }
        }
        return new SpecialTokenPolicy(a, Set.copyOf(disallowed), false, false);
    }

    public boolean isAllowed(String token) {
        return allowAll || allowed.contains(token);
    }

    public boolean isDisallowed(String token) {
        if (isAllowed(token)) {
            return false;
        }
        return disallowRest || disallowed.contains(token);
    }

    @Override
    public String toString() {
        if (this == ALLOW_ALL) {
            return "allowAll";
        }
        if (this == DISALLOW_ALL) {
            return "disallowAll";
        }
        if (this == AS_TEXT) {
            return "treatAsText";
        }
        return "allowed=" + allowed + (disallowRest ? ", disallowed=all others" : ", disallowed=" + disallowed);
    }
}
