package dev.kiln.trainer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** trainer-core stays plain Java: the frameworks and transports belong to the trainer service's adapters. */
class FrameworkFreeCoreTest {

    @Test
    void importsNoFrameworkOrTransport() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kiln.trainer");
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "jakarta..", "io.grpc..", "org.apache.kafka..")
                .check(core);
    }
}
