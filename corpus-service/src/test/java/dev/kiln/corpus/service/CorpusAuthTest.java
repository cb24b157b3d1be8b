package dev.kiln.corpus.service;

import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.testing.ApiKeysProfile;
import dev.kiln.testing.ScopeProbe;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** API keys on, over a real socket: every RPC of the descriptor against every kind of key. */
@QuarkusTest
@TestProfile(ApiKeysProfile.class)
class CorpusAuthTest {
    @TestHTTPResource("/")
    URL base;

    @Test
    void everyRpcNeedsAKeyOfItsScopeAndHealthStaysOpen() throws Exception {
        ScopeProbe.assertEnforced(base, CorpusServiceGrpc.getServiceDescriptor(), CorpusAuth.SCOPES);
    }
}
