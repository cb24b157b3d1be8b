package dev.kiln.console;

import dev.kiln.proto.tokenizer.v1.ListEncodingsRequest;
import dev.kiln.proto.tokenizer.v1.ListEncodingsResponse;
import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.RestHeader;

/** The tokenizer view: encodings, and a text's tokens with their spans (the page colours them). */
@Path("/api/tokenizer")
@Produces(MediaType.APPLICATION_JSON)
public class TokenizerResource {

    @Inject
    ServiceChannels channels;

    @GET
    @Path("/encodings")
    public ListEncodingsResponse encodings(@RestHeader(ServiceChannels.API_KEY_HEADER) String key) {
        return stub(key).listEncodings(ListEncodingsRequest.getDefaultInstance());
    }

    /** A TokenizeRequest in JSON; offsets are always asked for, as the view is built from them. */
    @POST
    @Path("/tokenize")
    @Consumes(MediaType.APPLICATION_JSON)
    public TokenizeResponse tokenize(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, String body) {
        TokenizeRequest request = ProtoJson.parse(body, TokenizeRequest.newBuilder())
                .setIncludeOffsets(true)
                .build();
        return stub(key).tokenize(request);
    }

    private TokenizerServiceGrpc.TokenizerServiceBlockingStub stub(String key) {
        return TokenizerServiceGrpc.newBlockingStub(channels.to(KilnService.TOKENIZER, key))
                .withDeadlineAfter(Deadlines.UNARY_SECONDS, TimeUnit.SECONDS);
    }
}
