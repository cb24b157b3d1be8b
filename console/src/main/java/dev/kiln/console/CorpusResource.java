package dev.kiln.console;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.InspectedDocument;
import dev.kiln.proto.corpus.v1.PipelineStats;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.RestHeader;

/** The corpus view: the pipeline's per-step counters (polled while an ingest runs) and the document inspector. */
@Path("/api/corpus")
@Produces(MediaType.APPLICATION_JSON)
public class CorpusResource {

    @Inject
    ServiceChannels channels;

    @GET
    @Path("/stats")
    public PipelineStats stats(@RestHeader(ServiceChannels.API_KEY_HEADER) String key) {
        return stub(key).getStats(GetStatsRequest.getDefaultInstance());
    }

    /** What the page sends: the pasted HTML or text as a string, not protobuf's base64 bytes. */
    public record InspectForm(String url, String content, String contentType) {}

    @POST
    @Path("/inspect")
    @Consumes(MediaType.APPLICATION_JSON)
    public InspectedDocument inspect(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, InspectForm form) {
        if (form == null || form.content() == null || form.content().isBlank()) {
            throw new IllegalArgumentException("content: paste the HTML or text of a document to inspect");
        }
        Document.Builder document = Document.newBuilder()
                .setContent(ByteString.copyFrom(form.content(), StandardCharsets.UTF_8))
                .setId("console-inspect");
        if (form.url() != null) {
            document.setUrl(form.url().strip());
        }
        if (form.contentType() != null && !form.contentType().isBlank()) {
            document.setContentType(form.contentType().strip() + "; charset=utf-8");
        }
        return stub(key).inspectDocument(document.build());
    }

    private CorpusServiceGrpc.CorpusServiceBlockingStub stub(String key) {
        return CorpusServiceGrpc.newBlockingStub(channels.to(KilnService.CORPUS, key))
                .withDeadlineAfter(Deadlines.UNARY_SECONDS, TimeUnit.SECONDS);
    }
}
