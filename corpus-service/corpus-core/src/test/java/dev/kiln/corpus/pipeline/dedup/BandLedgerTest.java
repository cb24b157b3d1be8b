package dev.kiln.corpus.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandRequest;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandVerdict;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The per-key rule of the global index and the layout its stores and topics rely on. */
class BandLedgerTest {

    @Test
    void aFreeKeyIsTakenAndAnotherHolderMakesADuplicate() {
        assertThat(BandLedger.first(null, "docs/0@7")).isTrue();
        assertThat(BandLedger.first(new BandLedger.Claim("docs/1@3", false), "docs/0@7"))
                .isFalse();
        assertThat(BandLedger.first(new BandLedger.Claim("docs/1@3", true), "docs/0@7"))
                .isFalse();
    }

    @Test
    void aReplayIsFirstUntilItsDocumentWasShipped() {
        BandLedger.Claim held = new BandLedger.Claim("docs/0@7", false);
        assertThat(BandLedger.first(held, "docs/0@7"))
                .as("lost before shipping: kept")
                .isTrue();
        BandLedger.Claim shipped = BandLedger.markShipped(held, "docs/0@7");
        assertThat(shipped.shipped()).isTrue();
        assertThat(BandLedger.first(shipped, "docs/0@7"))
                .as("shipped: not twice")
                .isFalse();
        assertThat(BandLedger.markShipped(held, "docs/9@9"))
                .as("another document's mark changes nothing")
                .isSameAs(held);
    }

    @Test
    void claimsAndMessagesSurviveTheirEncoding() {
        BandLedger.Claim claim = new BandLedger.Claim("kiln.corpus.documents/3@1234", true);
        assertThat(BandLedger.Claim.decode(claim.encode())).isEqualTo(claim);
        BandRequest request = new BandRequest(Type.CLAIM, "replica-ä", 5, 42, 13, 1_700_000_000_123L, "doc/1@2");
        assertThat(BandRequest.decode(request.encode())).isEqualTo(request);
        BandVerdict verdict = new BandVerdict("replica-ä", 42, 13, false, "doc/0@1");
        assertThat(BandVerdict.decode(verdict.encode())).isEqualTo(verdict);
    }

    @Test
    void pendingClaimsSortByClaimTimeThenDocument() {
        byte[] key = new DedupKeys(DedupKeys.Kind.BAND, "x", new long[] {-1L}).indexKey(0);
        byte[] early = DedupMessages.pendingKey(new BandRequest(Type.CLAIM, "r2", 0, 9, 0, 1000, "b"), key);
        byte[] sameTime = DedupMessages.pendingKey(new BandRequest(Type.CLAIM, "r1", 0, 1, 0, 1000, "c"), key);
        byte[] late = DedupMessages.pendingKey(new BandRequest(Type.CLAIM, "r1", 0, 1, 0, 1001, "a"), key);
        assertThat(Arrays.compareUnsigned(early, sameTime)).isNegative();
        assertThat(Arrays.compareUnsigned(sameTime, late)).isNegative();
        assertThat(Arrays.compareUnsigned(late, DedupMessages.pendingBound(1001)))
                .as("the bound of a time excludes claims made at it")
                .isPositive();
        assertThat(Arrays.compareUnsigned(sameTime, DedupMessages.pendingBound(1001)))
                .isNegative();
    }

    @Test
    void indexKeysKeepExactHashesAndBandKeysApart() {
        long value = 0x0123456789ABCDEFL;
        byte[] exact = new DedupKeys(DedupKeys.Kind.EXACT, "d", new long[] {value}).indexKey(0);
        byte[] band = new DedupKeys(DedupKeys.Kind.BAND, "d", new long[] {value}).indexKey(0);
        assertThat(exact).hasSize(9).isNotEqualTo(band);
        assertThat(Arrays.copyOfRange(exact, 1, 9)).isEqualTo(Arrays.copyOfRange(band, 1, 9));
    }
}
