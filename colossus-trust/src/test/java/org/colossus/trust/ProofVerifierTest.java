package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every transparency-dev/merkle inclusion and consistency vector, positive and corrupted (test resources: vectors/merkle). */
class ProofVerifierTest {
    static Stream<Arguments> inclusion() {
        return Vectors.json("merkle/inclusion").stream().map(p -> Arguments.of(name(p), p));
    }

    static Stream<Arguments> consistency() {
        return Vectors.json("merkle/consistency").stream().map(p -> Arguments.of(name(p), p));
    }

    private static String name(Path p) {
        return p.getParent().getFileName() + "/" + p.getFileName();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inclusion")
    void verifyInclusion_vector_acceptsOrRejectsAsUpstream(String name, Path file) {
        JsonNode v = Vectors.read(file);
        Runnable check = () -> ProofVerifier.verifyInclusion(Vectors.u64(v.get("leafIdx")), Vectors.u64(v.get("treeSize")),
                Vectors.b64(v.get("leafHash")), Vectors.proof(v.get("proof")), Vectors.b64(v.get("root")));
        if (v.get("wantErr").asBoolean()) {
            assertThatThrownBy(check::run).as(v.get("desc").asText()).isInstanceOf(TrustException.class);
        } else {
            assertThatCode(check::run).as(v.get("desc").asText()).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consistency")
    void verifyConsistency_vector_acceptsOrRejectsAsUpstream(String name, Path file) {
        JsonNode v = Vectors.read(file);
        Runnable check = () -> ProofVerifier.verifyConsistency(Vectors.u64(v.get("size1")), Vectors.u64(v.get("size2")),
                Vectors.proof(v.get("proof")), Vectors.b64(v.get("root1")), Vectors.b64(v.get("root2")));
        if (v.get("wantErr").asBoolean()) {
            assertThatThrownBy(check::run).as(v.get("desc").asText()).isInstanceOf(TrustException.class);
        } else {
            assertThatCode(check::run).as(v.get("desc").asText()).doesNotThrowAnyException();
        }
    }

    @org.junit.jupiter.api.Test
    void vectors_includeIndicesNear2To64() {
        assertThat(Stream.concat(inclusion(), consistency()).count()).isEqualTo(196);
    }
}
