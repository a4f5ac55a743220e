package dev.berth.conformance.browser;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class of browser tests (they drive Chromium through {@link Browser}). Where {@code chromium} and
 * {@code chromedriver} are not installed they are skipped, with the reason in the report, unless the system property
 * {@code berth.browser.required} is {@code true}: {@code .ci/run} sets it ({@code mvn -Dberth.browser.required=true}),
 * so that in CI a missing browser fails the tests instead of quietly skipping them. Tagged {@code browser}, so that
 * {@code -DexcludedGroups=browser} leaves them out.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("browser")
@ExtendWith(BrowserTest.WhenInstalled.class)
public @interface BrowserTest {

    /** Runs the tests when the browser is installed or required, skips them otherwise. */
    final class WhenInstalled implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String missing = Browser.missing();
            if (missing == null) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver are installed");
            }
            if (Browser.required()) {
                // run, so that Browser.open fails with what is missing
                return ConditionEvaluationResult.enabled("berth.browser.required=true and " + missing);
            }
            return ConditionEvaluationResult.disabled("browser tests skipped: " + missing
                    + " (apt-get install chromium chromium-driver; .ci/run installs them and requires the tests"
                    + " with -Dberth.browser.required=true)");
        }
    }
}
