package io.serai.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of docs/architecture.md, checked on the compiled main classes. From the bottom: HTTP
 * message facts ({@code http}) and setting values ({@code settings}) import no other Serai package;
 * the Camel glue ({@code camel}) only those; the features only what is below them and each other
 * without cycles; the two ends of the request path ({@code ingress}, {@code upstream}) not each other;
 * the component joining them ({@code proxy}), then what observes and shows ({@code metrics},
 * {@code admin}), then the wiring ({@code config}, {@code reload}, {@code io.serai} itself) on top.
 */
class ArchitectureTest {

    private static final String[] FEATURES = {
        "io.serai.aggregation..",
        "io.serai.balancing..",
        "io.serai.caching..",
        "io.serai.health..",
        "io.serai.resilience..",
        "io.serai.routing..",
        "io.serai.security..",
        "io.serai.shared..",
        "io.serai.tracing..",
        "io.serai.websocket.."
    };
    private static final String[] ENDS = {"io.serai.ingress..", "io.serai.upstream.."};
    private static final String[] ABOVE_ENDS = {
        "io.serai.proxy..",
        "io.serai.metrics..",
        "io.serai.admin..",
        "io.serai.config..",
        "io.serai.reload..",
        "io.serai.cli.."
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.serai");
    }

    @Test
    void theRulesSeeEveryMainPackage() {
        // A rule over no classes passes: make sure the import found the code the rules are about.
        for (String layer : new String[] {
            "http",
            "settings",
            "camel",
            "balancing",
            "ingress",
            "upstream",
            "proxy",
            "metrics",
            "admin",
            "config",
            "reload",
            "cli"
        }) {
            assertTrue(classes.containPackage("io.serai." + layer), "no classes of io.serai." + layer + " imported");
        }
        assertTrue(classes.size() > 200, classes.size() + " classes imported");
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.serai.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void httpMessageFactsImportNoOtherSeraiPackage() {
        onlySerai("io.serai.http..", "io.serai.http..").check(classes);
    }

    @Test
    void settingsImportNothingOfSerai() {
        onlySerai("io.serai.settings..", "io.serai.settings..").check(classes);
    }

    @Test
    void camelGlueRestsOnHttpAndSettingsOnly() {
        onlySerai("io.serai.camel..", "io.serai.camel..", "io.serai.http..", "io.serai.settings..")
                .check(classes);
    }

    @Test
    void featuresDependOnlyDownward() {
        noClasses()
                .that()
                .resideInAnyPackage(FEATURES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(ENDS, ABOVE_ENDS))
                .because("a feature is a step of a route; the ends, the component and the wiring use features,"
                        + " never the other way round")
                .check(classes);
    }

    @Test
    void theTwoEndsOfTheRequestPathDoNotKnowEachOther() {
        noClasses()
                .that()
                .resideInAPackage("io.serai.ingress..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(new String[] {"io.serai.upstream.."}, ABOVE_ENDS))
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.serai.upstream..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(new String[] {"io.serai.ingress.."}, ABOVE_ENDS))
                .check(classes);
    }

    @Test
    void theProxyComponentIsBelowObservationAndWiring() {
        noClasses()
                .that()
                .resideInAPackage("io.serai.proxy..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.serai.metrics..", "io.serai.admin..", "io.serai.config..", "io.serai.reload..")
                .check(classes);
    }

    @Test
    void metricsObserveThroughMicrometerNotByKnowingFeatures() {
        // Features expose MeterBinders; metrics read only the request's own facts (and a tunnel's byte counts).
        onlySerai(
                        "io.serai.metrics..",
                        "io.serai.metrics..",
                        "io.serai.http..",
                        "io.serai.settings..",
                        "io.serai.camel..",
                        "io.serai.websocket..")
                .check(classes);
    }

    @Test
    void onlyTheWiringBuildsTheWholeGateway() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.serai.config..", "io.serai.reload..", "io.serai.cli..")
                .and()
                .resideOutsideOfPackage("io.serai")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.serai.config..", "io.serai.reload..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.serai.admin..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.serai.config..", "io.serai.reload..")
                .check(classes);
    }

    @Test
    void routesAreNamedByTheUsersIdNotByTheGenerationCamelRuns() {
        // A reload runs a route's next version as api~2 beside the draining one: metrics, logs, error answers,
        // breakers, limits and cache keys take the user's id from RouteIds.of. The aggregation looks up the
        // running Route itself, which needs Camel's id.
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("io.serai.http.RouteIds")
                .and()
                .doNotHaveFullyQualifiedName("io.serai.aggregation.JsonMergeAggregationStrategy")
                .should()
                .callMethod(org.apache.camel.Exchange.class, "getFromRouteId")
                .check(classes);
    }

    /** Classes in {@code layer} depend on no Serai class outside the {@code allowed} packages. */
    private static ArchRule onlySerai(String layer, String... allowed) {
        return noClasses()
                .that()
                .resideInAPackage(layer)
                .should()
                .dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "are Serai classes outside " + String.join(", ", allowed),
                        c -> c.getPackageName().startsWith("io.serai")
                                && java.util.Arrays.stream(allowed).noneMatch(p -> inPackage(c.getPackageName(), p))));
    }

    private static boolean inPackage(String packageName, String pattern) {
        String base = pattern.substring(0, pattern.length() - 2);
        return packageName.equals(base) || packageName.startsWith(base + ".");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
