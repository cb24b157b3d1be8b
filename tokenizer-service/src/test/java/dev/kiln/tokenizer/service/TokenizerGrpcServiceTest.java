package dev.kiln.tokenizer.service;

import static dev.kiln.testing.GrpcFailures.codeOf;
import static dev.kiln.testing.GrpcFailures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.tokenizer.v1.CountTokensRequest;
import dev.kiln.proto.tokenizer.v1.DetokenizeRequest;
import dev.kiln.proto.tokenizer.v1.DetokenizeResponse;
import dev.kiln.proto.tokenizer.v1.EncodingFormat;
import dev.kiln.proto.tokenizer.v1.EncodingInfo;
import dev.kiln.proto.tokenizer.v1.EncodingSource;
import dev.kiln.proto.tokenizer.v1.GetEncodingRequest;
import dev.kiln.proto.tokenizer.v1.ListEncodingsRequest;
import dev.kiln.proto.tokenizer.v1.SpecialTokenPolicy;
import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeResponse;
import dev.kiln.proto.tokenizer.v1.TokenizeStreamRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeStreamResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.testing.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tokenizer RPCs over a real socket, happy paths and every bad-input status. */
@QuarkusTest
class TokenizerGrpcServiceTest {

    @TestHTTPResource("/")
    URL base;

    private ManagedChannel channel;
    private TokenizerServiceGrpc.TokenizerServiceBlockingStub tokenizer;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        tokenizer = TokenizerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static TokenizeRequest.Builder tokenize(String encoding, String text) {
        return TokenizeRequest.newBuilder().setEncoding(encoding).setText(text);
    }

    @Test
    void tokenizesWithTiktokensIdsAndOffsets() {
        TokenizeResponse response = tokenizer.tokenize(
                tokenize("cl100k_base", "hello world").setIncludeOffsets(true).build());
        assertThat(response.getIdsList()).containsExactly(15339, 1917);
        assertThat(response.getOffsets(1).getCharStart()).isEqualTo(5);
        assertThat(response.getOffsets(1).getCharEnd()).isEqualTo(11);
        assertThat(response.getOffsets(1).getByteEnd()).isEqualTo(11);

        TokenizeResponse emoji = tokenizer.tokenize(
                tokenize("cl100k_base", "a🎉").setIncludeOffsets(true).build());
        assertThat(emoji.getOffsetsList())
                .allSatisfy(span -> assertThat(span.getByteEnd()).isLessThanOrEqualTo(5));
        assertThat(emoji.getOffsets(emoji.getOffsetsCount() - 1).getCharEnd()).isEqualTo(3);
    }

    /** tiny-sp: a Llama 2 style SentencePiece tokenizer.json in src/test/encodings (BOS <s> = 1). */
    @Test
    void addSpecialTokensAddsThePostProcessorsTokensOfASentencePieceEncoding() {
        assertThat(tokenizer
                        .tokenize(tokenize("tiny-sp", "hello world").build())
                        .getIdsList())
                .containsExactly(271, 276);
        TokenizeResponse withBos = tokenizer.tokenize(
                tokenize("tiny-sp", "hello world").setAddSpecialTokens(true).build());
        assertThat(withBos.getIdsList()).containsExactly(1, 271, 276);
        assertThat(tokenizer
                        .detokenize(DetokenizeRequest.newBuilder()
                                .setEncoding("tiny-sp")
                                .addAllIds(withBos.getIdsList())
                                .setSkipSpecialTokens(true)
                                .build())
                        .getText())
                .isEqualTo("hello world");
        // tiktoken encodings have no post-processor: nothing is added
        assertThat(tokenizer
                        .tokenize(tokenize("cl100k_base", "hello world")
                                .setAddSpecialTokens(true)
                                .setIncludeOffsets(true)
                                .build())
                        .getIdsList())
                .containsExactly(15339, 1917);

        StatusRuntimeException offsets = failureOf(() -> tokenizer.tokenize(
                tokenize("tiny-sp", "hello").setIncludeOffsets(true).build()));
        assertThat(offsets.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(offsets.getStatus().getDescription()).contains("offsets", "tiny-sp");
        StatusRuntimeException export = failureOf(() -> tokenizer.getEncoding(GetEncodingRequest.newBuilder()
                .setEncoding("tiny-sp")
                .setFormat(EncodingFormat.ENCODING_FORMAT_TIKTOKEN)
                .build()));
        assertThat(export.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void specialTokensFollowTiktokensPolicy() {
        String text = "end<|endoftext|>";
        StatusRuntimeException refused =
                failureOf(() -> tokenizer.tokenize(tokenize("cl100k_base", text).build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("<|endoftext|>");

        TokenizeResponse allowed = tokenizer.tokenize(tokenize("cl100k_base", text)
                .setSpecialTokens(SpecialTokenPolicy.newBuilder().addAllowed("<|endoftext|>"))
                .build());
        assertThat(allowed.getIdsList()).endsWith(100257);

        TokenizeResponse asText = tokenizer.tokenize(tokenize("cl100k_base", text)
                .setSpecialTokens(SpecialTokenPolicy.newBuilder().setEncodeDisallowedAsText(true))
                .build());
        assertThat(asText.getIdsList()).doesNotContain(100257).hasSizeGreaterThan(2);

        assertThat(codeOf(() -> tokenizer.tokenize(tokenize("cl100k_base", text)
                        .setSpecialTokens(SpecialTokenPolicy.newBuilder().addAllowed("<|nope|>"))
                        .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void badRequestsGetTheRightStatusAndAnActionableMessage() {
        StatusRuntimeException unknown =
                failureOf(() -> tokenizer.tokenize(tokenize("gpt-17", "x").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("gpt-17", "cl100k_base");

        assertThat(codeOf(() -> tokenizer.tokenize(tokenize("", "x").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> tokenizer.countTokens(CountTokensRequest.newBuilder()
                        .setEncoding("r50k_base")
                        .setText("a".repeat(200_001))
                        .build())))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        StatusRuntimeException outOfRange = failureOf(() -> tokenizer.detokenize(DetokenizeRequest.newBuilder()
                .setEncoding("r50k_base")
                .addIds(1)
                .addIds(50257)
                .build()));
        assertThat(outOfRange.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(outOfRange.getStatus().getDescription()).contains("ids[1]", "50257");

        DetokenizeRequest.Builder tooMany = DetokenizeRequest.newBuilder().setEncoding("r50k_base");
        for (int i = 0; i <= 100_000; i++) {
            tooMany.addIds(1);
        }
        assertThat(codeOf(() -> tokenizer.detokenize(tooMany.build()))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(codeOf(() -> tokenizer.getEncoding(
                        GetEncodingRequest.newBuilder().setEncoding("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void detokenizeIsLosslessAndCanSkipSpecialTokens() {
        String text = "Grüße, 世界! 🎉 <|endoftext|> done";
        TokenizeResponse ids = tokenizer.tokenize(tokenize("o200k_base", text)
                .setSpecialTokens(SpecialTokenPolicy.newBuilder().setAllowAll(true))
                .build());
        DetokenizeResponse back = tokenizer.detokenize(DetokenizeRequest.newBuilder()
                .setEncoding("o200k_base")
                .addAllIds(ids.getIdsList())
                .build());
        assertThat(back.getText()).isEqualTo(text);
        DetokenizeResponse skipped = tokenizer.detokenize(DetokenizeRequest.newBuilder()
                .setEncoding("o200k_base")
                .addAllIds(ids.getIdsList())
                .setSkipSpecialTokens(true)
                .build());
        assertThat(skipped.getText()).isEqualTo("Grüße, 世界! 🎉  done");

        // A prefix that ends inside the emoji: text gets U+FFFD, raw keeps the exact bytes.
        List<Integer> all =
                tokenizer.tokenize(tokenize("cl100k_base", "🎉").build()).getIdsList();
        assertThat(all).hasSizeGreaterThan(1);
        DetokenizeResponse partial = tokenizer.detokenize(DetokenizeRequest.newBuilder()
                .setEncoding("cl100k_base")
                .addIds(all.get(0))
                .build());
        assertThat(partial.getText()).contains("\uFFFD");
        byte[] emoji = "🎉".getBytes(StandardCharsets.UTF_8);
        assertThat(partial.getRaw().toByteArray())
                .isEqualTo(java.util.Arrays.copyOf(emoji, partial.getRaw().size()));
    }

    @Test
    void countsAndListsEncodings() {
        assertThat(tokenizer
                        .countTokens(CountTokensRequest.newBuilder()
                                .setEncoding("cl100k_base")
                                .setText("hello world")
                                .build())
                        .getCount())
                .isEqualTo(2);
        List<EncodingInfo> encodings = tokenizer
                .listEncodings(ListEncodingsRequest.getDefaultInstance())
                .getEncodingsList();
        assertThat(encodings)
                .extracting(EncodingInfo::getName)
                .contains("r50k_base", "p50k_base", "cl100k_base", "o200k_base");
        EncodingInfo cl100k = encodings.stream()
                .filter(e -> e.getName().equals("cl100k_base"))
                .findFirst()
                .orElseThrow();
        assertThat(cl100k.getVocabSize()).isEqualTo(100277);
        assertThat(cl100k.getEosTokenId()).isEqualTo(100257);
        assertThat(cl100k.getSource()).isEqualTo(EncodingSource.ENCODING_SOURCE_BUILTIN);
    }

    @Test
    void getEncodingReturnsTheTiktokenFile() {
        byte[] file = tokenizer
                .getEncoding(GetEncodingRequest.newBuilder()
                        .setEncoding("r50k_base")
                        .setFormat(EncodingFormat.ENCODING_FORMAT_TIKTOKEN)
                        .build())
                .getData()
                .toByteArray();
        String[] lines = new String(file, StandardCharsets.US_ASCII).split("\n");
        assertThat(lines).hasSize(50256);
        assertThat(lines[0]).isEqualTo("IQ== 0");
    }

    @Test
    void tokenizeStreamAnswersEveryItemInOrderAndFailsBadItemsAlone() throws Exception {
        StreamRecorder<TokenizeStreamResponse> recorder = new StreamRecorder<>();
        StreamObserver<TokenizeStreamRequest> requests =
                TokenizerServiceGrpc.newStub(channel).tokenizeStream(recorder);
        int items = 2000;
        for (int i = 0; i < items; i++) {
            String encoding = i == 1000 ? "missing" : "r50k_base";
            requests.onNext(TokenizeStreamRequest.newBuilder()
                    .setId("doc-" + i)
                    .setEncoding(encoding)
                    .setText("Document number " + i + " says hello.")
                    .build());
        }
        requests.onCompleted();
        List<TokenizeStreamResponse> responses = recorder.await(60, TimeUnit.SECONDS);

        assertThat(responses).hasSize(items);
        for (int i = 0; i < items; i++) {
            TokenizeStreamResponse r = responses.get(i);
            assertThat(r.getId()).isEqualTo("doc-" + i);
            if (i == 1000) {
                assertThat(r.getError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
                assertThat(r.getIdsCount()).isZero();
            } else {
                assertThat(r.hasError()).isFalse();
                assertThat(r.getIdsList())
                        .isEqualTo(tokenizer
                                .tokenize(tokenize("r50k_base", "Document number " + i + " says hello.")
                                        .build())
                                .getIdsList());
            }
        }
    }

    @Test
    void tokenizeStreamRefusesAnOversizedItem() {
        StreamRecorder<TokenizeStreamResponse> recorder = new StreamRecorder<>();
        StreamObserver<TokenizeStreamRequest> requests =
                TokenizerServiceGrpc.newStub(channel).tokenizeStream(recorder);
        requests.onNext(TokenizeStreamRequest.newBuilder()
                .setId("big")
                .setEncoding("r50k_base")
                .setText("x".repeat(200_001))
                .build());
        requests.onCompleted();
        assertThat(codeOf(() -> {
                    try {
                        recorder.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                        throw new AssertionError(e);
                    }
                }))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    private static final String TRAINING_TEXT = String.join(
            "\n",
            "The committee met on Tuesday to discuss the budget for the coming year.",
            "Members of the committee agreed that the budget must support research and training.",
            "The report on the budget was adopted by a large majority of the members present.",
            "Training programmes for young people remain a priority for the committee.");

    private dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse train(
            List<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> messages) throws Exception {
        StreamRecorder<dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse> recorder = new StreamRecorder<>();
        StreamObserver<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> requests =
                TokenizerServiceGrpc.newStub(channel).trainTokenizer(recorder);
        messages.forEach(requests::onNext);
        requests.onCompleted();
        return recorder.awaitSingle(120, TimeUnit.SECONDS);
    }

    private static dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest config(String name, int vocab, String pattern) {
        return dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest.newBuilder()
                .setConfig(dev.kiln.proto.tokenizer.v1.TrainTokenizerConfig.newBuilder()
                        .setName(name)
                        .setVocabSize(vocab)
                        .setPattern(pattern)
                        .addSpecialTokens("<|endoftext|>")
                        .setOverwrite(true))
                .build();
    }

    private static dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest textChunk(String text) {
        return dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest.newBuilder()
                .setText(text)
                .build();
    }

    @Test
    void trainsAnEncodingThatIsServedAtOnceAndExportable() throws Exception {
        List<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> messages = new ArrayList<>();
        messages.add(config("committee-bpe", 320, "gpt2"));
        for (int i = 0; i < 50; i++) {
            messages.add(textChunk(TRAINING_TEXT + "\n"));
        }
        dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse trained = train(messages);
        assertThat(trained.getEncoding().getName()).isEqualTo("committee-bpe");
        assertThat(trained.getEncoding().getVocabSize()).isEqualTo(320);
        assertThat(trained.getEncoding().getSource()).isEqualTo(EncodingSource.ENCODING_SOURCE_TRAINED);
        assertThat(trained.getMerges()).isEqualTo(320 - 256 - 1);
        assertThat(trained.getEncoding().getEosTokenId()).isEqualTo(319);

        String text = "The committee adopted the budget.";
        List<Integer> ids =
                tokenizer.tokenize(tokenize("committee-bpe", text).build()).getIdsList();
        assertThat(ids.size()).isLessThan(text.length() / 2);
        assertThat(tokenizer
                        .detokenize(DetokenizeRequest.newBuilder()
                                .setEncoding("committee-bpe")
                                .addAllIds(ids)
                                .build())
                        .getText())
                .isEqualTo(text);
        assertThat(tokenizer
                        .listEncodings(ListEncodingsRequest.getDefaultInstance())
                        .getEncodingsList())
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("committee-bpe"));

        byte[] json = tokenizer
                .getEncoding(GetEncodingRequest.newBuilder()
                        .setEncoding("committee-bpe")
                        .setFormat(EncodingFormat.ENCODING_FORMAT_HF_TOKENIZER_JSON)
                        .build())
                .getData()
                .toByteArray();
        dev.kiln.tokenizer.Encoding reloaded =
                dev.kiln.tokenizer.HuggingFaceTokenizerJson.read(new java.io.ByteArrayInputStream(json), "reloaded");
        assertThat(java.util.Arrays.stream(reloaded.encode(text)).boxed().toList())
                .isEqualTo(ids);
    }

    @Test
    void badTrainingRequestsGetTheRightStatus() {
        assertThat(trainingCode(List.of(textChunk("no config first")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(trainingCode(List.of(config("cl100k_base", 1000, "")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(trainingCode(List.of(config("tiny", 100, "")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(trainingCode(List.of(config("bad pattern", 1000, "")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(trainingCode(List.of(config("regex", 1000, "([unclosed")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(trainingCode(List.of(config("../x", 1000, "")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(trainingCode(List.of(config("nothing-to-merge", 1000, ""), textChunk("a"))))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(trainingCode(List.of())).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    /** Patterns that backtrack exponentially on a long line that almost matches. */
    private static final List<String> CATASTROPHIC =
            List.of("(a+)+$", "(a|aa)+$", "(a*)*$", "(x+x+)+y", "(\\w+\\s?)*$");

    /**
     * 100 KB of 'a' that no catastrophic pattern can finish matching: a backtracking engine would
     * need on the order of 2^100000 steps. Each call answers well under a second on an idle machine;
     * the 3 s bounds below leave room for a loaded build machine and still tell linear from exponential.
     */
    private static final String LONG_LINE = "a".repeat(100_000) + "!";

    @Test
    void catastrophicPatternsTrainAndEncodeInLinearTime() throws Exception {
        for (String pattern : CATASTROPHIC) {
            String name = "linear-" + Integer.toHexString(pattern.hashCode());
            long started = System.nanoTime();
            Status.Code trained;
            try {
                trainWithin(5, List.of(config(name, 300, pattern), textChunk(LONG_LINE + "\n" + LONG_LINE)));
                trained = Status.Code.OK;
            } catch (StatusRuntimeException e) {
                trained = e.getStatus().getCode();
            }
            long trainMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(trained)
                    .as(pattern)
                    .isIn(Status.Code.OK, Status.Code.FAILED_PRECONDITION); // nothing to merge is fine
            assertThat(trainMillis).as("training with %s", pattern).isLessThan(3000);
            if (trained != Status.Code.OK) {
                continue;
            }
            started = System.nanoTime();
            TokenizeResponse tokens = tokenizer
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .tokenize(tokenize(name, LONG_LINE).build());
            long encodeMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(encodeMillis).as("encoding with %s", pattern).isLessThan(3000);
            assertThat(tokens.getIdsCount()).as(pattern).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void anEncodingTrainedOnAUserPatternRoundTrips() throws Exception {
        String pattern = "\\s?\\p{L}+|\\s?\\p{N}+|\\s?[^\\s\\p{L}\\p{N}]+|\\s+$|\\s";
        List<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> messages = new ArrayList<>();
        messages.add(config("user-pattern-bpe", 320, pattern));
        for (int i = 0; i < 50; i++) {
            messages.add(textChunk(TRAINING_TEXT + "\n"));
        }
        trainWithin(60, messages);
        String text = "The committee adopted the budget: 42 votes,\u00a0über alles!\n  ";
        List<Integer> ids =
                tokenizer.tokenize(tokenize("user-pattern-bpe", text).build()).getIdsList();
        assertThat(ids.size()).isLessThan(text.length());
        assertThat(tokenizer
                        .detokenize(DetokenizeRequest.newBuilder()
                                .setEncoding("user-pattern-bpe")
                                .addAllIds(ids)
                                .build())
                        .getText())
                .isEqualTo(text);
    }

    @Test
    void patternsTheLinearEngineCannotRunAreRefusedNamingTheConstruct() throws Exception {
        for (String pattern : List.of("a(?=b)", "(?<!x)y", "(a)\\1", "\\p{L}++")) {
            StatusRuntimeException refused = failureOf(() -> {
                try {
                    trainWithin(30, List.of(config("refused", 300, pattern), textChunk(TRAINING_TEXT)));
                } catch (StatusRuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(refused.getStatus().getCode()).as(pattern).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getStatus().getDescription())
                    .as(pattern)
                    .contains("config.pattern", "linear-time engine");
        }
        // The standard patterns need look-around and keep their hand-written scanners.
        for (String pattern : List.of("cl100k", dev.kiln.tokenizer.Pretokenizer.CL100K_PATTERN)) {
            List<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> messages = new ArrayList<>();
            messages.add(config("standard-" + Integer.toHexString(pattern.hashCode()), 300, pattern));
            for (int i = 0; i < 20; i++) {
                messages.add(textChunk(TRAINING_TEXT + "\n"));
            }
            assertThat(trainWithin(60, messages).getMerges()).as(pattern).isGreaterThan(0);
        }
    }

    /** Trains over a call with a deadline: a server stuck in a regex fails the test instead of hanging it. */
    private dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse trainWithin(
            int seconds, List<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> messages) throws Exception {
        StreamRecorder<dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse> recorder = new StreamRecorder<>();
        StreamObserver<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> requests = TokenizerServiceGrpc.newStub(
                        channel)
                .withDeadlineAfter(seconds, TimeUnit.SECONDS)
                .trainTokenizer(recorder);
        messages.forEach(requests::onNext);
        requests.onCompleted();
        return recorder.awaitSingle(seconds + 5, TimeUnit.SECONDS);
    }

    private Status.Code trainingCode(List<dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest> messages) {
        try {
            train(messages);
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("training succeeded");
    }
}
