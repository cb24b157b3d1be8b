package dev.kiln.trainer.service;

import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.testing.ApiKeysProfile;
import dev.kiln.testing.ScopeProbe;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API keys on, over a real socket: every RPC of the descriptor against every kind of key. */
@QuarkusTest
@TestProfile(TrainerAuthTest.Profile.class)
class TrainerAuthTest {
    @TestHTTPResource("/")
    URL base;

    public static class Profile extends ApiKeysProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("kiln.trainer.data-dir", "target/test-data/trainer-auth");
            config.put("kiln.trainer.models-dir", "target/test-data/models-auth");
            return config;
        }
    }

    @Test
    void everyRpcNeedsAKeyOfItsScopeAndHealthStaysOpen() throws Exception {
        ScopeProbe.assertEnforced(base, TrainerServiceGrpc.getServiceDescriptor(), TrainerAuth.SCOPES);
    }
}
