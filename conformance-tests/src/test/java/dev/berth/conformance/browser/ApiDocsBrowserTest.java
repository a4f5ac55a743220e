package dev.berth.conformance.browser;

import dev.berth.conformance.RegistryExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management API's documentation page, Swagger UI at {@code /api/v1/docs/}, in a real browser against the real
 * server, as a person uses it: the operations render from {@code /api/v1/openapi.json}; "Authorize" takes the admin
 * token; {@code GET /api/v1/registries}, tried out, answers 200. At a laptop's size and a phone's, with a
 * screenshot of every screen, and not one error in the browser's console (the page's Content-Security-Policy
 * included: Chromium reports what it blocks there).
 */
@BrowserTest
class ApiDocsBrowserTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    /** {@code GET /api/v1/registries}, Swagger UI's block for the operation. */
    private static final String LIST_REGISTRIES = "#operations-registries-listRegistries ";
    /** The form of the bearer scheme in the "Available authorizations" dialog (the session cookie's is beside it). */
    private static final String ADMIN_TOKEN_FORM =
            "//div[contains(@class,'modal-ux')]//div[contains(@class,'auth-container')]"
                    + "[.//h4[contains(.,'adminToken')]]";

    @ParameterizedTest
    @EnumSource(Viewport.class)
    void authorizesWithTheAdminTokenAndTriesListingTheRegistries(Viewport viewport) {
        try (Browser browser = Browser.open(registry.process().baseUri(), viewport)) {
            browser.open("/api/v1/docs/");
            browser.visible(By.cssSelector(".opblock"));
            assertThat(browser.driver().findElements(By.cssSelector(".opblock")).size()).isGreaterThan(10);
            browser.screenshot("api-docs-1-operations");

            browser.click(By.cssSelector(".auth-wrapper .btn.authorize"));
            browser.type(By.xpath(ADMIN_TOKEN_FORM + "//input[@aria-label='auth-bearer-value']"),
                    registry.process().adminToken());
            browser.screenshot("api-docs-2-authorize");
            browser.click(By.xpath(ADMIN_TOKEN_FORM + "//button[@aria-label='Apply credentials']"));
            // authorized: the form shows the value masked and offers to log out
            browser.visible(By.xpath(ADMIN_TOKEN_FORM + "//button[normalize-space()='Logout']"));
            browser.screenshot("api-docs-3-authorized");
            browser.click(By.cssSelector(".modal-ux .btn-done"));
            browser.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-ux")));

            browser.click(By.cssSelector(LIST_REGISTRIES + ".opblock-summary-control"));
            browser.click(By.cssSelector(LIST_REGISTRIES + ".try-out__btn"));
            browser.click(By.cssSelector(LIST_REGISTRIES + ".btn.execute"));
            WebElement status = browser.visible(By.cssSelector(
                    LIST_REGISTRIES + ".live-responses-table tr.response .response-col_status"));
            assertThat(status.getText().trim()).isEqualTo("200");
            WebElement body = browser.visible(By.cssSelector(
                    LIST_REGISTRIES + ".live-responses-table tr.response .response-col_description"));
            assertThat(body.getText()).contains("\"results\"");
            browser.scrollTo(browser.driver().findElement(By.cssSelector(LIST_REGISTRIES + ".live-responses-table")));
            browser.screenshot("api-docs-4-response");

            browser.assertNoConsoleErrors();
        }
    }
}
