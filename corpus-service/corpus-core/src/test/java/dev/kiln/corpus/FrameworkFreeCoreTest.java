package dev.kiln.corpus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The corpus core stays plain Java: the service's adapters own Quarkus, CDI, gRPC and Kafka, so the
 * pipeline and the engine can be tested and reused without them.
 */
class FrameworkFreeCoreTest {

    @Test
    void coreImportsNoFrameworkGrpcOrKafka() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kiln.corpus");

        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "jakarta..", "io.grpc..", "org.apache.kafka..")
                .check(core);
    }
}
