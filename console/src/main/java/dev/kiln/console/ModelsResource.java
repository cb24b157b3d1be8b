package dev.kiln.console;

import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.ListModelsRequest;
import dev.kiln.proto.inference.v1.ListModelsResponse;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import dev.kiln.proto.inference.v1.UnloadModelRequest;
import dev.kiln.proto.inference.v1.UnloadModelResponse;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.RestHeader;

/** The models view and the playground: ListModels, LoadModel, UnloadModel and a streamed Generate. */
@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    @Inject
    ServiceChannels channels;

    @GET
    public ListModelsResponse list(@RestHeader(ServiceChannels.API_KEY_HEADER) String key) {
        return stub(key)
                .withDeadlineAfter(Deadlines.UNARY_SECONDS, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance());
    }

    /** A LoadModelRequest in JSON. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public ModelInfo load(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, String body) {
        return stub(key)
                .withDeadlineAfter(Deadlines.BUNDLE_SECONDS, TimeUnit.SECONDS)
                .loadModel(ProtoJson.parse(body, LoadModelRequest.newBuilder()).build());
    }

    @DELETE
    @Path("/{name}")
    public UnloadModelResponse unload(
            @RestHeader(ServiceChannels.API_KEY_HEADER) String key, @PathParam("name") String name) {
        return stub(key)
                .withDeadlineAfter(Deadlines.UNARY_SECONDS, TimeUnit.SECONDS)
                .unloadModel(UnloadModelRequest.newBuilder().setName(name).build());
    }

    /** A GenerateRequest in JSON, answered as the gateway streams it. */
    @POST
    @Path("/generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> generate(
            @RestHeader(ServiceChannels.API_KEY_HEADER) String key, String body, @Context Sse sse) {
        GenerateRequest request =
                ProtoJson.parse(body, GenerateRequest.newBuilder()).build();
        InferenceServiceGrpc.InferenceServiceStub stub =
                InferenceServiceGrpc.newStub(channels.to(KilnService.GATEWAY, key));
        return EventStreams.sse(
                sse, EventStreams.<GenerateRequest, GenerateResponse>grpc(o -> stub.generate(request, o)));
    }

    private InferenceServiceGrpc.InferenceServiceBlockingStub stub(String key) {
        return InferenceServiceGrpc.newBlockingStub(channels.to(KilnService.GATEWAY, key));
    }
}
