package io.mobula.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The layering of the tree, checked on the compiled main classes of every module:
 * <pre>
 *   benchmarks, cli                 the top: may use everything; nothing uses them
 *   data, ml, examples              libraries on the public API (and the command contract)
 *   gpu                             a runtime plug-in: the API's SPI and the store's codec
 *   cluster (io.mobula.cluster)     daemon, driver; lending, placement; membership; control, objects;
 *                                   wire; ownership, jobs, host (each may use those after it)
 *   runtime (runtime, worker,       the embedded node: scheduler, workers, worker processes
 *            naming)
 *   store, transport                the object store; the wire
 *   api (io.mobula, function, spi), command, jvm   depend on nothing of Mobula
 * </pre>
 */
class LayeringTest {
    private static final String[] API = {"io.mobula", "io.mobula.function..", "io.mobula.spi.."};
    /** The JDK's own packages, including its management extension (the API reads the machine's memory through it). */
    private static final String[] JDK = {"java..", "javax..", "com.sun.management.."};
    private static final String[] RUNTIME = {"io.mobula.runtime..", "io.mobula.worker..", "io.mobula.naming.."};
    private static final String[] CLUSTER = {"io.mobula.cluster.."};
    private static final String[] LIBRARIES = {"io.mobula.data..", "io.mobula.ml..", "io.mobula.examples.."};

    private static JavaClasses mobula;

    @BeforeAll
    static void importTheTree() {
        mobula = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.mobula");
    }

    @Test
    void theApiDependsOnNoOtherMobulaModule() {
        classes().that().resideInAnyPackage(API)
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(API, JDK))
            .because("a program compiles against the API alone (and the JDK) and finds its runtime through ServiceLoader")
            .check(mobula);
    }

    @Test
    void theCommandContractDependsOnNothingOfMobula() {
        classes().that().resideInAPackage("io.mobula.command..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.mobula.command..", "java..")
            .because("libraries add commands without depending on the command line")
            .check(mobula);
    }

    @Test
    void theJvmFlagsDependOnNothingOfMobula() {
        classes().that().resideInAPackage("io.mobula.jvm..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.mobula.jvm..", "java..")
            .because("the tests of the lowest modules start JVMs with these flags too")
            .check(mobula);
    }

    @Test
    void theStoreKnowsNoRuntimeTransportOrCluster() {
        noClasses().that().resideInAPackage("io.mobula.store..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(concat(RUNTIME, CLUSTER), "io.mobula.transport..",
                "io.mobula.cli..", "io.mobula.command.."))
            .check(mobula);
    }

    @Test
    void theTransportKnowsNoRuntimeOrCluster() {
        noClasses().that().resideInAPackage("io.mobula.transport..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(concat(RUNTIME, CLUSTER), "io.mobula.cli.."))
            .check(mobula);
    }

    @Test
    void theEmbeddedRuntimeKnowsNothingOfTheCluster() {
        noClasses().that().resideInAnyPackage(RUNTIME)
            .should().dependOnClassesThat().resideInAnyPackage(concat(CLUSTER, "io.mobula.cli..", "io.mobula.command.."))
            .because("work placed elsewhere goes through the runtime's SPI, which the cluster implements")
            .check(mobula);
    }

    @Test
    void nothingButTheTopDependsOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("io.mobula.cli..", "io.mobula.benchmarks..")
            .should().dependOnClassesThat().resideInAPackage("io.mobula.cli..")
            .check(mobula);
    }

    @Test
    void librariesUseOnlyThePublicApi() {
        noClasses().that().resideInAnyPackage(LIBRARIES)
            .should().dependOnClassesThat().resideInAnyPackage(concat(concat(RUNTIME, CLUSTER), "io.mobula.cli..",
                "io.mobula.store..", "io.mobula.transport.."))
            .check(mobula);
    }

    /** Components: the API's packages together, then each other top package under io.mobula. */
    @Test
    void componentsFormNoCycle() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                if (!name.startsWith("io.mobula")) {
                    return SliceIdentifier.ignore();
                }
                String[] parts = name.split("\\.");
                if (parts.length == 2 || parts[2].equals("function") || parts[2].equals("spi")) {
                    return SliceIdentifier.of("api");
                }
                return SliceIdentifier.of(parts[2]);
            }

            @Override
            public String getDescription() {
                return "Mobula's components";
            }
        }).should().beFreeOfCycles().check(mobula);
    }

    /** Within a component, each package is a layer too (the API's three aside: they name one another by design). */
    @Test
    void packagesFormNoCycle() {
        slices().matching("io.mobula.(**)").should().beFreeOfCycles()
            .ignoreDependency(resideInAnyPackage(API), resideInAnyPackage(API))
            .check(mobula);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
