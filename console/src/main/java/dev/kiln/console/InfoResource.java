package dev.kiln.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the page's header shows: where each service is, and whether a key is configured server-side. */
@Path("/api/info")
@Produces(MediaType.APPLICATION_JSON)
public class InfoResource {

    @Inject
    ServiceChannels channels;

    public record Info(Map<String, String> services, boolean apiKeyConfigured) {}

    @GET
    public Info info() {
        Map<String, String> services = new LinkedHashMap<>();
        for (KilnService service : KilnService.values()) {
            services.put(service.client, ServiceChannels.address(service));
        }
        return new Info(services, channels.keyConfigured());
    }
}
