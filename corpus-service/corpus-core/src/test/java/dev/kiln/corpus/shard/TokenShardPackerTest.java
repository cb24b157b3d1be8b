package dev.kiln.corpus.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenShardPackerTest {

    private static final int EOS = 50256;

    @Test
    void documentsAreSeparatedByEosAndAShardEndsAtADocumentsEnd() {
        TokenShardPacker<String> packer = new TokenShardPacker<>("p", "r50k_base", 50257, EOS, 8, 0);
        List<TokenShardPacker.SealedShard<String>> sealed = new ArrayList<>();
        sealed.addAll(packer.add(new int[] {1, 2, 3}, "a")); // 1 2 3 EOS
        sealed.addAll(packer.add(new int[] {4, 5, 6, 7, 8, 9}, "b")); // does not fit: | 4 5 6 7 8 9 EOS
        sealed.addAll(packer.add(new int[] {}, "c")); // EOS: fills the shard
        sealed.addAll(packer.flush());

        assertThat(sealed).hasSize(2);
        TokenShard first = sealed.get(0).shard();
        assertThat(TokenShards.unpack(first)).containsExactly(1, 2, 3, EOS);
        assertThat(first.getShardId()).isEqualTo("p-0");
        assertThat(first.getDocumentStartsList()).containsExactly(0);
        assertThat(first.getTokenWidth()).isEqualTo(TokenWidth.TOKEN_WIDTH_UINT16);
        assertThat(sealed.get(0).completedDocuments()).containsExactly("a");
        assertThat(sealed.get(0).continued()).isFalse();

        TokenShard second = sealed.get(1).shard();
        assertThat(TokenShards.unpack(second)).containsExactly(4, 5, 6, 7, 8, 9, EOS, EOS);
        assertThat(second.getShardId()).isEqualTo("p-1");
        assertThat(second.getDocumentStartsList()).containsExactly(0, 7);
        assertThat(second.getDocumentCount()).isEqualTo(2);
        assertThat(sealed.get(1).completedDocuments()).containsExactly("b", "c");
        assertThat(sealed.get(1).continued()).isFalse();
    }

    @Test
    void aDocumentLongerThanAShardGetsShardsOfItsOwnSealedTogether() {
        TokenShardPacker<String> packer = new TokenShardPacker<>("p", "r50k_base", 50257, EOS, 4, 0);
        assertThat(packer.add(new int[] {1}, "a")).isEmpty(); // 1 EOS
        List<TokenShardPacker.SealedShard<String>> sealed = packer.add(new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10}, "b");
        assertThat(sealed).hasSize(4);
        assertThat(TokenShards.unpack(sealed.get(0).shard())).containsExactly(1, EOS);
        assertThat(sealed.get(0).completedDocuments()).containsExactly("a");
        assertThat(sealed.get(0).continued()).isFalse();
        assertThat(TokenShards.unpack(sealed.get(1).shard())).containsExactly(2, 3, 4, 5);
        assertThat(sealed.get(1).continued()).as("b goes on").isTrue();
        assertThat(sealed.get(1).completedDocuments()).isEmpty();
        assertThat(TokenShards.unpack(sealed.get(2).shard())).containsExactly(6, 7, 8, 9);
        assertThat(sealed.get(2).continued()).isTrue();
        assertThat(sealed.get(2).shard().getDocumentCount()).isZero();
        assertThat(TokenShards.unpack(sealed.get(3).shard()))
                .as("its tail is sealed at once, not held open for the next documents")
                .containsExactly(10, EOS);
        assertThat(sealed.get(3).continued()).isFalse();
        assertThat(sealed.get(3).completedDocuments()).containsExactly("b");
        assertThat(packer.pendingTokens()).isZero();
    }

    @Test
    void aDocumentEndingExactlyAtTheBoundarySealsAtOnce() {
        TokenShardPacker<String> packer = new TokenShardPacker<>("p", "r50k_base", 50257, EOS, 4, 10);
        List<TokenShardPacker.SealedShard<String>> sealed = packer.add(new int[] {1, 2, 3}, "a");
        assertThat(sealed).hasSize(1);
        assertThat(sealed.get(0).completedDocuments()).containsExactly("a");
        assertThat(sealed.get(0).shard().getShardId()).isEqualTo("p-10");
        assertThat(packer.pendingTokens()).isZero();
        assertThat(packer.flush()).isEmpty();
    }

    @Test
    void concatenatedShardsReproduceTheStreamForAnyShardSize() {
        Random random = new Random(3);
        List<int[]> docs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            docs.add(random.ints(random.nextInt(300), 0, EOS).toArray());
        }
        for (int shardTokens : new int[] {1, 7, 64, 1000, 100_000}) {
            TokenShardPacker<Integer> packer = new TokenShardPacker<>("p", "r50k_base", 50257, EOS, shardTokens, 0);
            List<TokenShardPacker.SealedShard<Integer>> sealed = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) {
                sealed.addAll(packer.add(docs.get(i), i));
            }
            sealed.addAll(packer.flush());
            List<Integer> stream = new ArrayList<>();
            List<Integer> receipts = new ArrayList<>();
            for (TokenShardPacker.SealedShard<Integer> s : sealed) {
                for (int id : TokenShards.unpack(s.shard())) {
                    stream.add(id);
                }
                receipts.addAll(s.completedDocuments());
                assertThat(s.shard().getTokenCount()).isLessThanOrEqualTo(shardTokens);
                int[] ids = TokenShards.unpack(s.shard());
                assertThat(ids[ids.length - 1] == EOS)
                        .as("a shard ends at a document's end unless its document continues")
                        .isEqualTo(!s.continued());
            }
            List<Integer> expected = new ArrayList<>();
            for (int[] doc : docs) {
                for (int id : doc) {
                    expected.add(id);
                }
                expected.add(EOS);
            }
            assertThat(stream).as("shard size %d", shardTokens).isEqualTo(expected);
            assertThat(receipts)
                    .as("every document completes once, in order")
                    .isEqualTo(java.util.stream.IntStream.range(0, docs.size())
                            .boxed()
                            .toList());
        }
    }

    @Test
    void shardsStayUnderKafkasMessageLimit() {
        TokenShardPacker<String> wide = new TokenShardPacker<>("p", "o200k_base", 200_019, 199_999, 1 << 20, 0);
        assertThat(wide.shardTokens() * 4).isLessThanOrEqualTo(TokenShardPacker.MAX_SHARD_BYTES);
        TokenShardPacker.SealedShard<String> shard =
                wide.add(new int[wide.shardTokens() - 1], "x").get(0);
        assertThat(shard.shard().getSerializedSize()).isLessThan(1024 * 1024);
        assertThat(shard.shard().getTokenWidth()).isEqualTo(TokenWidth.TOKEN_WIDTH_UINT32);
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        TokenShardPacker<String> packer = new TokenShardPacker<>("p", "r50k_base", 50257, EOS, 8, 0);
        assertThatThrownBy(() -> packer.add(new int[] {50257}, "a")).hasMessageContaining("50257");
        assertThatThrownBy(() -> new TokenShardPacker<String>("p", "x", 100, 100, 8, 0))
                .hasMessageContaining("EOS id 100");
    }
}
