package dev.kiln.proto.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    static final String GEN = "gen-key-0123456789abcdef";
    static final String ADM = "adm-key-0123456789abcdef";

    @Test
    void readsKeysScopesCommentsAndBlankLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# operators\n\n" + GEN + " generate\n  " + ADM + "\tadmin,generate  \n");
        ApiKeys keys = ApiKeys.load(file);
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.find(GEN).scopes()).containsExactly(Scope.GENERATE);
        assertThat(keys.find(ADM).scopes()).containsExactlyInAnyOrder(Scope.ADMIN, Scope.GENERATE);
        assertThat(keys.find("nope-0123456789abcdef")).isNull();
        assertThat(keys.find(GEN + "x")).isNull();
        assertThat(keys.find(GEN.substring(0, 10))).isNull();
    }

    @Test
    void malformedLinesFailWithFileAndLineAndNeverTheKey() {
        assertThatThrownBy(() -> ApiKeys.parse("keys.txt", List.of("# c", GEN)))
                .isInstanceOf(ApiKeyFileException.class)
                .hasMessageStartingWith("keys.txt:2: expected 'key scope[,scope]'")
                .hasMessageNotContaining(GEN);
        assertThatThrownBy(() -> ApiKeys.parse("keys.txt", List.of(GEN + " generate,root")))
                .hasMessage("keys.txt:1: unknown scope 'root' (known: generate, admin)");
        assertThatThrownBy(() -> ApiKeys.parse("keys.txt", List.of(GEN + " generate extra")))
                .hasMessageStartingWith("keys.txt:1: expected");
        assertThatThrownBy(() -> ApiKeys.parse("keys.txt", List.of("short generate")))
                .hasMessage("keys.txt:1: the key is shorter than 16 characters");
        assertThatThrownBy(() -> ApiKeys.parse("keys.txt", List.of(GEN + " generate", "", GEN + " admin")))
                .hasMessage("keys.txt:3: the same key is listed twice");
        assertThatThrownBy(() -> ApiKeys.parse("keys.txt", List.of("# nothing")))
                .hasMessageContaining("no keys");
    }

    @Test
    void aMissingFileNamesItAndTheConfigKey(@TempDir Path dir) {
        assertThatThrownBy(() -> ApiKeys.load(dir.resolve("absent")))
                .isInstanceOf(ApiKeyFileException.class)
                .hasMessageContaining("absent")
                .hasMessageContaining("kiln.auth.api-keys-file");
    }

    @Test
    void scopesAreIndependentAndAKeyMayHoldBoth() {
        String both = "both-key-0123456789abcdef";
        ApiKeys keys = ApiKeys.parse("k", List.of(GEN + " generate", ADM + " admin", both + " admin,generate"));
        assertThat(keys.check("Bearer " + ADM, Scope.GENERATE).outcome()).isEqualTo(Access.Outcome.DENIED);
        assertThat(keys.check("Bearer " + ADM, Scope.ADMIN).granted()).isTrue();
        assertThat(keys.check("Bearer " + both, Scope.ADMIN).granted()).isTrue();
        assertThat(keys.check("Bearer " + both, Scope.GENERATE).granted()).isTrue();
        assertThat(keys.check("Bearer " + GEN, Scope.GENERATE).granted()).isTrue();
        Access denied = keys.check("Bearer " + GEN, Scope.ADMIN);
        assertThat(denied.outcome()).isEqualTo(Access.Outcome.DENIED);
        assertThat(denied.message())
                .contains("'admin' scope")
                .contains(ApiKeys.idOf(GEN))
                .doesNotContain(GEN);
    }

    @Test
    void missingMalformedAndUnknownCredentialsAreUnauthenticated() {
        ApiKeys keys = ApiKeys.parse("k", List.of(GEN + " generate"));
        assertThat(keys.check(null, Scope.GENERATE).outcome()).isEqualTo(Access.Outcome.UNAUTHENTICATED);
        assertThat(keys.check(null, Scope.GENERATE).message()).contains("authorization: Bearer <key>");
        assertThat(keys.check(GEN, Scope.GENERATE).outcome()).isEqualTo(Access.Outcome.UNAUTHENTICATED);
        assertThat(keys.check("Basic " + GEN, Scope.GENERATE).outcome()).isEqualTo(Access.Outcome.UNAUTHENTICATED);
        Access unknown = keys.check("Bearer wrong-key-0123456789", Scope.GENERATE);
        assertThat(unknown.outcome()).isEqualTo(Access.Outcome.UNAUTHENTICATED);
        assertThat(unknown.message()).doesNotContain("wrong-key");
        assertThat(keys.check("bearer " + GEN, Scope.GENERATE).granted()).isTrue();
        assertThat(keys.check("Bearer " + GEN, Scope.GENERATE).caller().id()).isEqualTo(ApiKeys.idOf(GEN));
    }

    @Test
    void theKeyIdIsEightHexDigitsOfTheDigestNotThePrefixOfTheKey() {
        String id = ApiKeys.idOf(GEN);
        assertThat(id).matches("[0-9a-f]{8}").isNotEqualTo(GEN.substring(0, 8));
        assertThat(ApiKeys.idOf(ADM)).isNotEqualTo(id);
        // sha256("gen-key-0123456789abcdef") starts with these digits: the id is stable across restarts.
        assertThat(id).isEqualTo(ApiKeys.idOf("gen-key-0123456789abcdef"));
    }
}
