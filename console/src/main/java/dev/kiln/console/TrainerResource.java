package dev.kiln.console;

import dev.kiln.proto.trainer.v1.ExportModelRequest;
import dev.kiln.proto.trainer.v1.GetRunRequest;
import dev.kiln.proto.trainer.v1.ListRunsRequest;
import dev.kiln.proto.trainer.v1.ListRunsResponse;
import dev.kiln.proto.trainer.v1.ModelArtifact;
import dev.kiln.proto.trainer.v1.ResumeRunRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.StopRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.proto.trainer.v1.WatchRunRequest;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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

/**
 * The training view: runs, a run's live events (WatchRun with replay, so a page opened mid-run
 * draws the curve from the start of what the trainer keeps), and start/stop/resume/export. StartRun's
 * validation is the trainer's own: its INVALID_ARGUMENT message is what the form shows.
 */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class TrainerResource {

    @Inject
    ServiceChannels channels;

    @GET
    public ListRunsResponse list(@RestHeader(ServiceChannels.API_KEY_HEADER) String key) {
        return stub(key).listRuns(ListRunsRequest.getDefaultInstance());
    }

    @GET
    @Path("/{id}")
    public Run get(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, @PathParam("id") String id) {
        return stub(key).getRun(GetRunRequest.newBuilder().setRunId(id).build());
    }

    /** A StartRunRequest in JSON. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Run start(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, String body) {
        return stub(key)
                .startRun(ProtoJson.parse(body, StartRunRequest.newBuilder()).build());
    }

    @POST
    @Path("/{id}/stop")
    public Run stop(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, @PathParam("id") String id) {
        return stub(key).stopRun(StopRunRequest.newBuilder().setRunId(id).build());
    }

    @POST
    @Path("/{id}/resume")
    public Run resume(@RestHeader(ServiceChannels.API_KEY_HEADER) String key, @PathParam("id") String id) {
        return stub(key).resumeRun(ResumeRunRequest.newBuilder().setRunId(id).build());
    }

    /** An ExportModelRequest in JSON (model_name, output_dir, publish); the path names the run. */
    @POST
    @Path("/{id}/export")
    @Consumes(MediaType.APPLICATION_JSON)
    public ModelArtifact export(
            @RestHeader(ServiceChannels.API_KEY_HEADER) String key, @PathParam("id") String id, String body) {
        ExportModelRequest request = ProtoJson.parse(body, ExportModelRequest.newBuilder())
                .setRunId(id)
                .build();
        return TrainerServiceGrpc.newBlockingStub(channels.to(KilnService.TRAINER, key))
                .withDeadlineAfter(Deadlines.BUNDLE_SECONDS, TimeUnit.SECONDS)
                .exportModel(request);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(
            @RestHeader(ServiceChannels.API_KEY_HEADER) String key, @PathParam("id") String id, @Context Sse sse) {
        WatchRunRequest request =
                WatchRunRequest.newBuilder().setRunId(id).setReplay(true).build();
        TrainerServiceGrpc.TrainerServiceStub stub = TrainerServiceGrpc.newStub(channels.to(KilnService.TRAINER, key));
        return EventStreams.sse(sse, EventStreams.<WatchRunRequest, TrainingEvent>grpc(o -> stub.watchRun(request, o)));
    }

    private TrainerServiceGrpc.TrainerServiceBlockingStub stub(String key) {
        return TrainerServiceGrpc.newBlockingStub(channels.to(KilnService.TRAINER, key))
                .withDeadlineAfter(Deadlines.UNARY_SECONDS, TimeUnit.SECONDS);
    }
}
