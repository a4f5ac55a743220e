package dev.berth.conformance.browser;

import dev.berth.conformance.RegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console at {@code /ui/} in a real browser against the real server, walked as a person would (issue 13):
 * sign in with the admin token; create a registry with a limit; create a user with push on it and take its secret
 * from the page; push an image with skopeo using that secret; see the image, its artifact and, after a pull, its pull
 * count; change the limit; delete a tag, then the artifact through the typed confirmation; refresh the user's secret
 * from the page and see skopeo refused with the old one; disable the user; sign out. Not one error in the browser's
 * console (failed requests and Content-Security-Policy violations included), and a screenshot of every screen at a
 * laptop's size and a phone's under {@code target/screenshots/}.
 */
@BrowserTest
class ConsoleBrowserTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    @TempDir
    static Path images;

    private static String host() {
        return registry.process().baseUri().getAuthority();
    }

    private static By button(String text) {
        return By.xpath("//button[normalize-space()='" + text + "']");
    }

    private static By dialogButton(String text) {
        return By.xpath("//dialog[@open]//button[normalize-space()='" + text + "']");
    }

    private static By heading(String text) {
        return By.xpath("//h1[normalize-space()='" + text + "']");
    }

    private static By link(String text) {
        return By.xpath("//a[normalize-space()='" + text + "']");
    }

    private static void signIn(Browser browser) {
        browser.open("/ui/");
        browser.type(By.name("token"), registry.process().adminToken());
        browser.click(By.cssSelector("form.sign-in button[type=submit]"));
        browser.visible(heading("Registries"));
    }

    /** Opens a row's action menu (a disclosure labelled "Actions for NAME") and picks an item of it. */
    private static void rowAction(Browser browser, String rowName, String item) {
        browser.click(By.cssSelector("details.menu summary[aria-label='Actions for " + rowName + "']"));
        browser.click(By.xpath("//details[@open]//div[contains(@class,'menu-items')]/button[normalize-space()='" + item + "']"));
    }

    @Test
    void walksThroughWhatAPersonDoesWithoutOneConsoleError() throws Exception {
        assertThat(Skopeo.installed()).as("skopeo pushes and pulls in this walk").isTrue();
        Skopeo.buildTestImages(images);
        try (Browser browser = Browser.open(registry.process().baseUri(), Viewport.DESKTOP)) {
            browser.open("/");
            browser.visible(By.name("token"));
            assertThat(browser.driver().getCurrentUrl()).as("the server's address leads to the console").endsWith("/ui/");
            browser.screenshot("console-01-sign-in");
            signIn(browser);

            // a registry with a 1 GiB limit
            browser.click(button("Create registry"));
            browser.type(By.cssSelector("dialog[open] input[name=name]"), "acme");
            browser.type(By.cssSelector("dialog[open] input[name=limit]"), "1");
            browser.screenshot("console-02-create-registry");
            browser.click(dialogButton("Create"));
            browser.visible(link("acme"));
            assertThat(browser.visible(By.cssSelector("tbody tr .usage")).getText()).contains("of 1.00 GiB");
            browser.screenshot("console-03-registries");

            // a user with push on it, its secret read from the page
            browser.click(link("Users"));
            browser.visible(heading("Users"));
            browser.click(button("Create user"));
            browser.type(By.cssSelector("dialog[open] input[name=name]"), "ci-bot");
            browser.type(By.cssSelector("dialog[open] textarea[name=description]"), "pushes from CI");
            browser.click(By.cssSelector("dialog[open] button.perm-add"));
            browser.type(By.cssSelector("dialog[open] input.perm-registry"), "acme");
            new Select(browser.visible(By.cssSelector("dialog[open] select.perm-access"))).selectByValue("push");
            browser.screenshot("console-04-create-user");
            browser.click(dialogButton("Create"));
            String secret = browser.visible(By.cssSelector("dialog[open] input.secret")).getAttribute("value");
            assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
            assertThat(browser.visible(By.cssSelector("dialog[open] .warning")).getText()).contains("will not be shown again");
            browser.screenshot("console-05-user-secret");
            browser.click(dialogButton("Done"));
            browser.visible(By.xpath("//td//strong[normalize-space()='ci-bot']"));
            browser.screenshot("console-06-users");

            // skopeo pushes with that secret; the registry shows the image
            Skopeo.Result pushed = Skopeo.push(images.resolve("single"), host(), "acme/app:1.0", "ci-bot", secret);
            assertThat(pushed.succeeded()).as(pushed.output()).isTrue();
            browser.click(link("Registries"));
            browser.click(link("acme"));
            browser.visible(heading("acme"));
            browser.visible(link("app"));
            browser.screenshot("console-07-registry-images");
            for (String tab : List.of("Users", "History", "Usage", "Commands")) {
                browser.click(By.xpath("//div[@role='tablist']/button[normalize-space()='" + tab + "']"));
                browser.until(ExpectedConditions.attributeToBe(By.xpath("//div[@role='tablist']/button[normalize-space()='" + tab + "']"),
                        "aria-selected", "true"));
                browser.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#registry-tab-panel .loading")));
                browser.screenshot("console-08-registry-" + tab.toLowerCase());
            }
            assertThat(browser.visible(By.id("registry-tab-panel")).getText()).contains("docker login " + host());

            // the image, its artifact and, after a pull, its pull count
            browser.click(By.xpath("//div[@role='tablist']/button[normalize-space()='Images']"));
            browser.click(link("app"));
            browser.visible(By.cssSelector(".tag"));
            assertThat(browser.visible(By.cssSelector(".tags")).getText()).contains("1.0");
            Skopeo.Result pulled = Skopeo.pull(host(), "acme/app:1.0", "ci-bot", secret, images.resolve("pulled"));
            assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
            browser.until(driver -> {
                driver.navigate().refresh();
                List<WebElement> pulls = driver.findElements(By.cssSelector("td[data-label='Pulls']"));
                return !pulls.isEmpty() && pulls.get(0).getText().equals("1");
            });
            browser.screenshot("console-09-image");

            // the limit changed from the registry's page
            browser.click(link("acme"));
            browser.click(button("Change storage limit"));
            browser.type(By.cssSelector("dialog[open] input[name=limit]"), "2");
            browser.click(dialogButton("Save"));
            browser.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main .usage"), "of 2.00 GiB"));

            // a tag deleted, then the artifact, through the typed confirmation
            browser.click(By.xpath("//div[@role='tablist']/button[normalize-space()='Images']"));
            browser.click(link("app"));
            browser.click(By.cssSelector("button[aria-label='Delete tag 1.0']"));
            browser.click(dialogButton("Delete tag"));
            browser.visible(By.xpath("//td//span[normalize-space()='untagged']"));
            WebElement digest = browser.visible(By.cssSelector("td[data-label='Digest'] .digest"));
            String menu = browser.driver().findElement(By.cssSelector("td.row-actions summary")).getAttribute("aria-label");
            browser.click(By.cssSelector("details.menu summary[aria-label='" + menu + "']"));
            browser.click(By.xpath("//details[@open]//button[normalize-space()='Delete artifact']"));
            WebElement confirm = browser.visible(dialogButton("Delete"));
            assertThat(confirm.isEnabled()).as("Delete waits for the typed word").isFalse();
            browser.type(By.cssSelector("dialog[open] input[type=text]"), "Delete");
            browser.screenshot("console-10-delete-artifact");
            browser.click(dialogButton("Delete"));
            browser.until(ExpectedConditions.stalenessOf(digest));
            browser.visible(By.cssSelector("main p.empty"));

            // a new secret from the page: skopeo is refused with the old one
            browser.click(link("Users"));
            rowAction(browser, "ci-bot", "Refresh secret");
            browser.click(dialogButton("Refresh secret"));
            String refreshed = browser.visible(By.cssSelector("dialog[open] input.secret")).getAttribute("value");
            assertThat(refreshed).isNotEqualTo(secret).hasSizeGreaterThanOrEqualTo(32);
            browser.click(dialogButton("Done"));
            Skopeo.Result refused = Skopeo.push(images.resolve("single"), host(), "acme/app:2.0", "ci-bot", secret);
            assertThat(refused.succeeded()).as("the old secret no longer works").isFalse();
            Skopeo.Result accepted = Skopeo.push(images.resolve("single"), host(), "acme/app:2.0", "ci-bot", refreshed);
            assertThat(accepted.succeeded()).as(accepted.output()).isTrue();

            // disabled, then signed out
            rowAction(browser, "ci-bot", "Disable");
            browser.click(dialogButton("Disable"));
            browser.visible(By.cssSelector("td .badge.disabled"));
            browser.screenshot("console-11-user-disabled");
            Skopeo.Result disabled = Skopeo.push(images.resolve("single"), host(), "acme/app:3.0", "ci-bot", refreshed);
            assertThat(disabled.succeeded()).as("a disabled user is refused").isFalse();
            browser.click(By.cssSelector("button.sign-out"));
            browser.visible(By.name("token"));
            browser.open("/ui/#/users");
            browser.visible(By.name("token"));

            browser.assertNoConsoleErrors();
        }
    }

    @Test
    void showsEveryScreenOnAPhone() throws Exception {
        String name = "phone";
        registry.management().createRegistry(name, true, 5L << 30);
        registry.client().pushImage(name + "/team/app", "1.0", 2);
        registry.management().createUser("phone-bot", 30, dev.berth.conformance.ManagementClient.permissions(name, "pull"));
        try (Browser browser = Browser.open(registry.process().baseUri(), Viewport.PHONE)) {
            browser.open("/ui/");
            browser.visible(By.name("token"));
            browser.screenshot("console-01-sign-in");
            signIn(browser);
            browser.visible(link(name));
            browser.screenshot("console-03-registries");
            browser.click(link(name));
            browser.visible(link("team/app"));
            browser.screenshot("console-07-registry-images");
            for (String tab : List.of("Users", "History", "Usage", "Commands")) {
                browser.click(By.xpath("//div[@role='tablist']/button[normalize-space()='" + tab + "']"));
                browser.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#registry-tab-panel .loading")));
                browser.screenshot("console-08-registry-" + tab.toLowerCase());
            }
            browser.click(By.xpath("//div[@role='tablist']/button[normalize-space()='Images']"));
            browser.click(link("team/app"));
            browser.visible(By.cssSelector(".tag"));
            browser.screenshot("console-09-image");
            browser.click(By.xpath("//header//a[normalize-space()='Users']"));
            browser.visible(By.xpath("//td//strong[normalize-space()='phone-bot']"));
            browser.screenshot("console-06-users");
            browser.click(button("Create user"));
            browser.visible(By.cssSelector("dialog[open] input[name=name]"));
            browser.screenshot("console-04-create-user");
            browser.click(dialogButton("Cancel"));

            // the registry's images deleted as a group, through the typed confirmation
            browser.click(By.xpath("//header//a[normalize-space()='Registries']"));
            browser.click(link(name));
            WebElement image = browser.visible(link("team/app"));
            browser.click(By.cssSelector("td.select input[aria-label='Select team/app']"));
            assertThat(browser.visible(By.cssSelector(".selected-count")).getText()).isEqualTo("1 selected");
            browser.click(button("Delete selected"));
            browser.type(By.cssSelector("dialog[open] input[type=text]"), "Delete");
            browser.click(dialogButton("Delete"));
            browser.until(ExpectedConditions.stalenessOf(image));
            browser.visible(By.cssSelector("main p.empty"));
            assertThat(browser.driver().findElement(By.cssSelector(".selected-count")).getText()).isEmpty();

            browser.assertNoConsoleErrors();
        }
    }
}
