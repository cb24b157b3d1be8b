package dev.kiln.trainer.service;

import dev.kiln.proto.tokenizer.v1.EncodingFormat;
import dev.kiln.proto.tokenizer.v1.GetEncodingRequest;
import dev.kiln.proto.tokenizer.v1.GetEncodingResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.tokenizer.TiktokenRankFile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The encodings a run can train on: the built-ins of tokenizer-core, and encodings trained on
 * the tokenizer service, fetched once through GetEncoding and then encoded locally (a network hop
 * per sample would be wrong).
 */
@ApplicationScoped
public class EncodingProvider {

    private final EncodingRegistry registry = new EncodingRegistry();

    @GrpcClient("tokenizer")
    TokenizerServiceGrpc.TokenizerServiceBlockingStub tokenizer;

    /**
     * @throws StatusRuntimeException NOT_FOUND for an unknown encoding, UNAVAILABLE when the
     *                                tokenizer service cannot be asked
     */
    public Encoding get(String name) {
        Optional<Encoding> known = registry.find(name);
        if (known.isPresent()) {
            return known.get();
        }
        GetEncodingResponse response;
        try {
            response = tokenizer
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getEncoding(GetEncodingRequest.newBuilder()
                            .setEncoding(name)
                            .setFormat(EncodingFormat.ENCODING_FORMAT_TIKTOKEN)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                throw Status.NOT_FOUND
                        .withDescription("encoding '" + name + "' is neither built in (" + registry.names()
                                + ") nor known to the tokenizer service")
                        .asRuntimeException();
            }
            throw Status.UNAVAILABLE
                    .withDescription(
                            "cannot fetch encoding '" + name + "' from the tokenizer service: " + e.getStatus())
                    .asRuntimeException();
        }
        try {
            Encoding encoding = Encoding.of(
                    name,
                    response.getInfo().getPattern(),
                    TiktokenRankFile.read(response.getData().newInput(), "tokenizer-service:" + name),
                    response.getInfo().getSpecialTokensMap());
            registry.register(encoding);
            return encoding;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
