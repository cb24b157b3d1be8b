package dev.kiln.inference.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** HTTP readiness: UP only while at least one model is loaded (a gateway without models cannot serve). */
@Readiness
@ApplicationScoped
public class ModelsReadiness implements HealthCheck {
    @Inject
    GatewayWiring wiring;

    @Override
    public HealthCheckResponse call() {
        var models = wiring.registry().list();
        return HealthCheckResponse.named("models")
                .status(!models.isEmpty())
                .withData("loaded", models.size())
                .withData(
                        "names",
                        String.join(",", models.stream().map(m -> m.name()).toList()))
                .build();
    }
}
