package dev.kiln.tokenizer.service;

import dev.kiln.testing.TestCertificates;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The tokenizer service with TLS on its port, as an operator turns it on (see the README). */
final class TlsProfiles {

    private TlsProfiles() {}

    /** Server certificate only: any client that trusts the CA may call. */
    public static final class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestCertificates.shared().serverProperties();
        }
    }

    /** Client certificates signed by the CA are required (mTLS). */
    public static final class MutualTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestCertificates.shared().mutualServerProperties();
        }
    }
}
